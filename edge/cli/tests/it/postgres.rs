//! A real PostgreSQL 15 for the tests (Debian's `postgresql-15`, installed by scripts/setup.sh): a
//! throwaway cluster in a temp dir, on a free port of 127.0.0.1, password login, started once per test
//! binary and stopped with it (a shell watchdog kills it once the test process is gone). Each test gets a
//! database of its own.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub const USER: &str = "mudrock";
pub const PASSWORD: &str = "mudrock-test-password";

pub struct Postgres {
    pub port: u16,
    _watchdog: std::process::Child,
    _dir: tempfile::TempDir,
}

/// The cluster of this test binary (started on first use).
pub fn server() -> &'static Postgres {
    static SERVER: OnceLock<Postgres> = OnceLock::new();
    SERVER.get_or_init(Postgres::start)
}

fn bin_dir() -> PathBuf {
    for version in ["15", "16", "17"] {
        let dir = PathBuf::from(format!("/usr/lib/postgresql/{version}/bin"));
        if dir.join("initdb").is_file() {
            return dir;
        }
    }
    panic!("PostgreSQL server binaries not found under /usr/lib/postgresql: run scripts/setup.sh");
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// `program args…`, as the `postgres` user when this process is root (PostgreSQL refuses to run as root).
fn as_db_user(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

impl Postgres {
    fn start() -> Postgres {
        let bin = bin_dir();
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let socket = dir.path().join("socket");
        std::fs::create_dir_all(&socket).unwrap();
        let pwfile = dir.path().join("pw");
        std::fs::write(&pwfile, PASSWORD).unwrap();
        if is_root() {
            let status = Command::new("chown")
                .args(["-R", "postgres"])
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(status.success(), "chown the cluster dir to postgres");
        }
        let init = as_db_user(&bin.join("initdb"))
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                USER,
                "--auth=scram-sha-256",
                "-E",
                "UTF8",
                "--no-instructions",
            ])
            .arg(format!("--pwfile={}", pwfile.display()))
            .output()
            .unwrap();
        assert!(
            init.status.success(),
            "initdb: {}{}",
            String::from_utf8_lossy(&init.stdout),
            String::from_utf8_lossy(&init.stderr)
        );
        let port = crate::support::free_port();
        let log = dir.path().join("postgres.log");
        let server = format!(
            "{} -D {} -p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            bin.join("postgres").display(),
            data.display(),
            socket.display()
        );
        let launcher = if is_root() {
            format!("runuser -u postgres -- {server}")
        } else {
            server
        };
        let script = format!(
            "{launcher} >{log} 2>&1 & w=$!; while kill -0 {parent} 2>/dev/null && kill -0 $w 2>/dev/null; \
             do sleep 0.5; done; kill $w 2>/dev/null; sleep 3; kill -9 $w 2>/dev/null",
            log = log.display(),
            parent = std::process::id()
        );
        let watchdog = Command::new("bash")
            .arg("-c")
            .arg(script)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start PostgreSQL");
        let deadline = Instant::now() + Duration::from_secs(60);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "PostgreSQL did not listen within 60 s:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        Postgres {
            port,
            _watchdog: watchdog,
            _dir: dir,
        }
    }

    pub fn url(&self, database: &str) -> String {
        format!("postgres://{USER}:{PASSWORD}@127.0.0.1:{}/{database}", self.port)
    }

    /// A new empty database; its URL.
    pub async fn fresh_database(&self) -> String {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let name = format!("t{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        let admin = sqlx::PgPool::connect(&self.url("postgres")).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin)
            .await
            .unwrap();
        admin.close().await;
        self.url(&name)
    }
}
