//! One behaviour suite for every metadata store: each function takes a store and states what any store
//! must do. `metadata_suite!` runs it on the embedded store (SQLite), on PostgreSQL 15 (a real server,
//! started by the tests), through the L1 cache, and on PostgREST whenever `POSTGREST_URL` is set.
//! Then what only one store has: row-level security in PostgreSQL itself, connection faults, the cache's
//! invalidation, and the PostgREST client's requests and error parsing.

use std::sync::Arc;
use std::time::Duration;

use mudrock_core::layout::ProjectId;
use mudrock_store::ErrorKind;
use mudrock_store::metadata::{
    CachedStore, CurveRecord, IngestRecord, LogRecord, MetadataStore, PipelineExecution, PostgrestConfig,
    PostgrestStore, ProjectScope, SqlStore, TopRecord, WellRecord, WellboreRecord,
};

type Store = Arc<dyn MetadataStore>;

fn scope(p: &str) -> ProjectScope {
    ProjectScope::new(ProjectId::new(p).unwrap())
}

/// A store and what must outlive it.
pub struct Fixture {
    pub store: Store,
    _dir: Option<tempfile::TempDir>,
}

pub async fn embedded() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = SqlStore::open_file(&dir.path().join("meta/metadata.db"))
        .await
        .unwrap();
    Fixture {
        store: Arc::new(store),
        _dir: Some(dir),
    }
}

pub async fn postgres() -> Fixture {
    let server = std::thread::spawn(super::postgres::server).join().unwrap();
    let url = server.fresh_database().await;
    Fixture {
        store: Arc::new(SqlStore::open(&url).await.unwrap()),
        _dir: None,
    }
}

pub async fn cached() -> Fixture {
    let inner = embedded().await;
    let dir = inner._dir;
    // The cached store needs an owned inner store: reopen the same file.
    let path = dir.as_ref().unwrap().path().join("meta/metadata.db");
    let store = SqlStore::open_file(&path).await.unwrap();
    Fixture {
        store: Arc::new(CachedStore::new(store, 10_000, Duration::from_secs(60))),
        _dir: dir,
    }
}

macro_rules! metadata_suite {
    ($($name:ident),* $(,)?) => {
        mod embedded {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let f = super::embedded().await;
                    super::$name(f.store.clone()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let f = super::postgres().await;
                    super::$name(f.store.clone()).await;
                }
            )*
        }
        mod cached {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let f = super::cached().await;
                    super::$name(f.store.clone()).await;
                }
            )*
        }
        /// Against a real PostgREST (with MudRock's migrations applied to its database) when
        /// `POSTGREST_URL` and `POSTGREST_JWT_SECRET` are set; PostgREST is not installable from the
        /// registries this project's machines reach, so without them these tests have nothing to run.
        mod postgrest {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(config) = mudrock_store::metadata::PostgrestConfig::from_env().unwrap() else {
                        eprintln!("POSTGREST_URL is not set: the PostgREST run of `{}` has no server", stringify!($name));
                        return;
                    };
                    let store = mudrock_store::metadata::PostgrestStore::new(config).unwrap();
                    super::$name(std::sync::Arc::new(store)).await;
                }
            )*
        }
    };
}

metadata_suite!(
    projects_and_wells_round_trip,
    writes_are_upserts,
    an_added_well_fills_blanks_and_never_overwrites_a_correction,
    logs_are_written_with_their_curves,
    records_of_unknown_wells_are_refused,
    tops_are_replaced_per_source,
    ingests_and_pipeline_executions,
    projects_never_see_each_other,
);

/// Test projects are unique per run so the PostgREST run (one shared database) never meets old rows.
fn unique(p: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!("{p}-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

fn well(id: &str, name: &str) -> WellRecord {
    WellRecord {
        well_id: id.to_owned(),
        name: Some(name.to_owned()),
        uwi: Some(format!("UWI-{id}")),
        api: None,
        lat: Some(58.44),
        lon: Some(1.88),
        depth_unit: Some("M".to_owned()),
    }
}

fn log(well: &str, id: &str) -> LogRecord {
    LogRecord {
        well_id: well.to_owned(),
        log_id: id.to_owned(),
        sha256: "ab".repeat(32),
        source_file: format!("{id}.las"),
        rows: 1200,
    }
}

fn curve(well: &str, log: &str, mnemonic: &str) -> CurveRecord {
    CurveRecord {
        well_id: well.to_owned(),
        log_id: log.to_owned(),
        mnemonic: mnemonic.to_owned(),
        unit: "GAPI".to_owned(),
        family: "gamma_ray".to_owned(),
        min: Some(10.0),
        max: Some(150.0),
    }
}

async fn project(s: &Store, name: &str) -> ProjectScope {
    let p = scope(&unique(name));
    s.put_project(&p, &format!("{name} project")).await.unwrap();
    p
}

async fn projects_and_wells_round_trip(s: Store) {
    let p = project(&s, "north").await;
    let got = s.project(&p).await.unwrap().expect("the project");
    assert_eq!(
        (got.project_id.as_str(), got.name.as_str()),
        (p.as_str(), "north project")
    );
    s.put_well(&p, &well("W2", "Two")).await.unwrap();
    s.put_well(&p, &well("W1", "One")).await.unwrap();
    let wells = s.wells(&p).await.unwrap();
    assert_eq!(wells, vec![well("W1", "One"), well("W2", "Two")], "by id");
    assert_eq!(s.well(&p, "W2").await.unwrap(), Some(well("W2", "Two")));
    assert_eq!(s.well(&p, "W9").await.unwrap(), None);
    s.put_wellbore(
        &p,
        &WellboreRecord {
            well_id: "W1".into(),
            wellbore_id: "W1-ST1".into(),
            name: Some("sidetrack".into()),
        },
    )
    .await
    .unwrap();
    let bores = s.wellbores(&p, "W1").await.unwrap();
    assert_eq!(bores.len(), 1);
    assert_eq!(bores[0].wellbore_id, "W1-ST1");
}

async fn writes_are_upserts(s: Store) {
    let p = project(&s, "upsert").await;
    s.put_well(&p, &well("W1", "First name")).await.unwrap();
    s.put_well(&p, &well("W1", "First name")).await.unwrap();
    assert_eq!(
        s.wells(&p).await.unwrap().len(),
        1,
        "the same record twice is one row"
    );
    let mut renamed = well("W1", "Renamed");
    renamed.lat = None;
    s.put_well(&p, &renamed).await.unwrap();
    assert_eq!(
        s.well(&p, "W1").await.unwrap(),
        Some(renamed),
        "a write then a read sees it"
    );
    s.put_project(&p, "renamed project").await.unwrap();
    assert_eq!(s.project(&p).await.unwrap().unwrap().name, "renamed project");
}

async fn an_added_well_fills_blanks_and_never_overwrites_a_correction(s: Store) {
    let p = project(&s, "added").await;
    // The first log's header.
    let mut first = well("W1", "From the first log");
    first.uwi = None;
    s.add_well(&p, &first).await.unwrap();
    assert_eq!(s.well(&p, "W1").await.unwrap(), Some(first.clone()));
    // A user corrects the name.
    let mut corrected = first.clone();
    corrected.name = Some("Corrected".into());
    s.put_well(&p, &corrected).await.unwrap();
    // The next log of the well: its UWI fills the blank, its name does not undo the correction.
    let mut second = well("W1", "From the second log");
    second.uwi = Some("05-123-45678".into());
    s.add_well(&p, &second).await.unwrap();
    let now = s.well(&p, "W1").await.unwrap().unwrap();
    assert_eq!(now.name.as_deref(), Some("Corrected"));
    assert_eq!(now.uwi.as_deref(), Some("05-123-45678"));
    assert_eq!(now.lat, first.lat);
    // The same again changes nothing.
    s.add_well(&p, &second).await.unwrap();
    assert_eq!(s.well(&p, "W1").await.unwrap(), Some(now));
}

async fn logs_are_written_with_their_curves(s: Store) {
    let p = project(&s, "logs").await;
    s.put_well(&p, &well("W1", "One")).await.unwrap();
    let curves = vec![curve("W1", "L1", "GR"), curve("W1", "L1", "DEPT")];
    s.put_log(&p, &log("W1", "L1"), &curves).await.unwrap();
    s.put_log(&p, &log("W1", "L1"), &curves).await.unwrap();
    assert_eq!(s.logs(&p, "W1").await.unwrap(), vec![log("W1", "L1")]);
    let got = s.curves(&p, "W1").await.unwrap();
    let names: Vec<&str> = got.iter().map(|c| c.mnemonic.as_str()).collect();
    assert_eq!(names, ["DEPT", "GR"], "by log, then mnemonic");
    // A curve of another log in the batch: refused, and nothing of the batch is written.
    let bad = vec![curve("W1", "L2", "GR"), curve("W1", "L9", "RHOB")];
    let e = s.put_log(&p, &log("W1", "L2"), &bad).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    assert_eq!(s.logs(&p, "W1").await.unwrap().len(), 1, "no half-written log");
}

async fn records_of_unknown_wells_are_refused(s: Store) {
    let p = project(&s, "unknown").await;
    let e = s
        .put_log(&p, &log("NOPE", "L1"), &[curve("NOPE", "L1", "GR")])
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    assert!(s.logs(&p, "NOPE").await.unwrap().is_empty());
    assert!(
        s.curves(&p, "NOPE").await.unwrap().is_empty(),
        "the log's curves did not land either"
    );
    // A well in a project that was never created.
    let ghost = scope(&unique("never-created"));
    let e = s.put_well(&ghost, &well("W1", "One")).await.unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::InvalidInput | ErrorKind::PermissionDenied),
        "{e}"
    );
}

async fn tops_are_replaced_per_source(s: Store) {
    let p = project(&s, "tops").await;
    s.put_well(&p, &well("W1", "One")).await.unwrap();
    let top = |name: &str, md: f64, source: &str| TopRecord {
        well_id: "W1".into(),
        name: name.into(),
        md,
        source: source.into(),
    };
    s.replace_tops(
        &p,
        "W1",
        "picks.csv",
        &[
            top("Balder", 1820.0, "picks.csv"),
            top("Sele", 1790.5, "picks.csv"),
        ],
    )
    .await
    .unwrap();
    s.replace_tops(&p, "W1", "user", &[top("Hod", 2400.0, "user")])
        .await
        .unwrap();
    // The file read again with other picks replaces its own, not the user's.
    s.replace_tops(&p, "W1", "picks.csv", &[top("Balder", 1822.0, "picks.csv")])
        .await
        .unwrap();
    let tops = s.tops(&p, "W1").await.unwrap();
    assert_eq!(
        tops,
        vec![top("Balder", 1822.0, "picks.csv"), top("Hod", 2400.0, "user")],
        "by depth"
    );
    let e = s
        .replace_tops(&p, "W1", "user", &[top("Bad", f64::NAN, "user")])
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(
        s.tops(&p, "W1").await.unwrap().len(),
        2,
        "a refused batch changes nothing"
    );
}

async fn ingests_and_pipeline_executions(s: Store) {
    let p = project(&s, "runs").await;
    let mut ingest = IngestRecord {
        ingest_id: "i-1".into(),
        file_name: "a.las".into(),
        sha256: "cd".repeat(32),
        status: "running".into(),
        message: None,
        started_at_ms: 1_700_000_000_000,
        finished_at_ms: None,
    };
    s.put_ingest(&p, &ingest).await.unwrap();
    ingest.status = "ok".into();
    ingest.finished_at_ms = Some(1_700_000_000_500);
    s.put_ingest(&p, &ingest).await.unwrap();
    assert_eq!(s.ingests(&p).await.unwrap(), vec![ingest]);
    let run = PipelineExecution {
        content_hash: "ef".repeat(32),
        pipeline: "vsh-larionov".into(),
        status: "succeeded".into(),
        logs_uri: Some(format!("{}/cache/dag/{}.log", p.as_str(), "ef".repeat(32))),
        started_at_ms: 1_700_000_001_000,
        finished_at_ms: Some(1_700_000_002_000),
    };
    s.put_pipeline_execution(&p, &run).await.unwrap();
    assert_eq!(
        s.pipeline_execution(&p, &run.content_hash).await.unwrap(),
        Some(run)
    );
    assert_eq!(s.pipeline_execution(&p, "00").await.unwrap(), None);
}

async fn projects_never_see_each_other(s: Store) {
    let a = project(&s, "alpha").await;
    let b = project(&s, "beta").await;
    s.put_well(&a, &well("SHARED-ID", "A's well")).await.unwrap();
    s.put_well(&b, &well("SHARED-ID", "B's well")).await.unwrap();
    s.put_well(&b, &well("B-ONLY", "B only")).await.unwrap();
    let seen_by_a = s.wells(&a).await.unwrap();
    assert_eq!(seen_by_a, vec![well("SHARED-ID", "A's well")]);
    assert_eq!(s.well(&a, "B-ONLY").await.unwrap(), None);
    // A's writes never touch B's rows, even under the same well id.
    s.put_well(&a, &well("SHARED-ID", "A renamed")).await.unwrap();
    assert_eq!(
        s.well(&b, "SHARED-ID").await.unwrap().unwrap().name.as_deref(),
        Some("B's well")
    );
    assert!(s.project(&a).await.unwrap().is_some());
    s.put_log(&b, &log("B-ONLY", "LB"), &[curve("B-ONLY", "LB", "GR")])
        .await
        .unwrap();
    assert!(s.logs(&a, "B-ONLY").await.unwrap().is_empty());
    assert!(s.curves(&a, "B-ONLY").await.unwrap().is_empty());
    // A log for B's well written under A's scope is refused (A has no such well).
    let e = s.put_log(&a, &log("B-ONLY", "LX"), &[]).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
}

// --- PostgreSQL itself: row-level security holds without the store's own conditions. -------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_row_level_security_confines_raw_sql_to_the_sessions_project() {
    let server = std::thread::spawn(super::postgres::server).join().unwrap();
    let url = server.fresh_database().await;
    let store = SqlStore::open(&url).await.unwrap();
    let (a, b) = (scope("rls-a"), scope("rls-b"));
    for p in [&a, &b] {
        store.put_project(p, "p").await.unwrap();
        store.put_well(p, &well("W1", p.as_str())).await.unwrap();
    }
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("SET LOCAL ROLE mudrock_app")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("SELECT set_config('mudrock.project', 'rls-a', true)")
        .execute(&mut *tx)
        .await
        .unwrap();
    // No WHERE: the policy alone filters.
    let names: Vec<(String,)> = sqlx::query_as("SELECT name FROM wells ORDER BY project_id")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    assert_eq!(names, vec![("rls-a".to_owned(),)]);
    let updated = sqlx::query("UPDATE wells SET name = 'hijacked'")
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(updated.rows_affected(), 1, "only A's row is reachable");
    let e = sqlx::query("INSERT INTO wells (project_id, well_id) VALUES ('rls-b', 'X')")
        .execute(&mut *tx)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("row-level security"), "{e}");
    tx.rollback().await.unwrap();
    // Without a project set, nothing at all is visible.
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("SET LOCAL ROLE mudrock_app")
        .execute(&mut *tx)
        .await
        .unwrap();
    let n: (i64,) = sqlx::query_as("SELECT count(*) FROM wells")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(n.0, 0);
    tx.rollback().await.unwrap();
    assert_eq!(
        store.well(&b, "W1").await.unwrap().unwrap().name.as_deref(),
        Some("rls-b")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_faults_name_the_database_and_what_to_do() {
    let server = std::thread::spawn(super::postgres::server).join().unwrap();
    let wrong = format!(
        "postgres://{}:not-the-password@127.0.0.1:{}/postgres",
        super::postgres::USER,
        server.port
    );
    let e = SqlStore::open(&wrong).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::PermissionDenied, "{e}");
    assert!(e.message().contains("password"), "{e}");
    assert!(
        !e.to_string().contains("not-the-password"),
        "the password is never printed: {e}"
    );
    let port = crate::support::free_port();
    let e = SqlStore::open(&format!("postgres://u:p@127.0.0.1:{port}/db"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unavailable, "{e}");
    assert!(e.is_retryable());
    let e = SqlStore::open("mysql://x/y").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ConfigInvalid);
}

// --- The L1 cache: reads are served from it, and writes invalidate them. ---------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cached_reads_are_hits_until_a_write_of_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let store = CachedStore::new(
        SqlStore::open_file(&dir.path().join("m.db")).await.unwrap(),
        1000,
        Duration::from_secs(60),
    );
    let (a, b) = (scope("cache-a"), scope("cache-b"));
    for p in [&a, &b] {
        store.put_project(p, "p").await.unwrap();
        store.put_well(p, &well("W1", "before")).await.unwrap();
    }
    assert_eq!(store.wells(&a).await.unwrap().len(), 1);
    assert_eq!(store.wells(&b).await.unwrap().len(), 1);
    let (hits, _) = store.stats();
    assert_eq!(store.wells(&a).await.unwrap().len(), 1);
    assert_eq!(store.stats().0, hits + 1, "the second read is a hit");
    // A write elsewhere (not through the cache) is not seen until the cache forgets…
    store
        .inner()
        .put_well(&a, &well("W2", "behind the cache"))
        .await
        .unwrap();
    assert_eq!(store.wells(&a).await.unwrap().len(), 1);
    // …and a write through it is seen at once, by the very next read.
    store.put_well(&a, &well("W1", "after")).await.unwrap();
    let wells = store.wells(&a).await.unwrap();
    assert_eq!(wells.len(), 2);
    assert_eq!(wells[0].name.as_deref(), Some("after"));
    // Another project's cached reads stay hits.
    let (hits, _) = store.stats();
    assert_eq!(store.wells(&b).await.unwrap()[0].name.as_deref(), Some("before"));
    assert_eq!(store.stats().0, hits + 1);
}

// --- PostgREST client: requests built and errors read as PostgREST documents them. ----------------------
//
// These check the client against PostgREST's documented API (docs.postgrest.org: "Tables and Views" —
// horizontal filtering `column=eq.value`, `select`, `order`; "Upsert" — `POST` with
// `Prefer: resolution=merge-duplicates` and `on_conflict`; "Functions as RPC" — `POST /rpc/{name}` with
// named arguments in a JSON object; "Errors" — the JSON body `code`/`message`/`details`/`hint` and the HTTP
// status per SQLSTATE, e.g. 23503 → 409, 42501 → 403, PGRST301 → 401; "Authentication" — an HS256 JWT
// whose `role` claim selects the database role). No PostgREST runs here; the suite above runs against a
// real one when POSTGREST_URL is set.

fn postgrest_client() -> PostgrestStore {
    PostgrestStore::new(PostgrestConfig {
        url: "http://127.0.0.1:3000".into(),
        api_key: Some("anon-key".into()),
        jwt_secret: "a-secret-of-at-least-32-characters!!".into(),
        token_ttl: Duration::from_secs(300),
    })
    .unwrap()
}

#[test]
fn postgrest_requests_follow_the_documented_api() {
    use base64::Engine;
    let client = postgrest_client();
    let p = scope("north-sea");
    let select = PostgrestStore::plan_select(
        "/wells",
        "well_id,name",
        &[
            ("project_id", "eq.north-sea".into()),
            ("well_id", "eq.15/9-F 1,A".into()),
        ],
        "well_id.asc",
    );
    let request = client.build(&p, &select).unwrap();
    assert_eq!(request.method(), "GET");
    assert_eq!(
        request.url().as_str(),
        "http://127.0.0.1:3000/wells?select=well_id%2Cname&project_id=eq.north-sea&well_id=eq.15%2F9-F+1%2CA&order=well_id.asc"
    );
    assert_eq!(request.headers()["apikey"], "anon-key");
    assert_eq!(request.headers()["accept"], "application/json");
    let auth = request.headers()["authorization"].to_str().unwrap();
    let jwt = auth.strip_prefix("Bearer ").unwrap();
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3);
    let claims: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(parts[1])
            .unwrap(),
    )
    .unwrap();
    assert_eq!(claims["role"], "mudrock_app");
    assert_eq!(claims["mudrock_project"], "north-sea");
    assert!(claims["exp"].as_u64().unwrap() > claims["iat"].as_u64().unwrap());
    // HS256 over header.claims with the secret: a token another secret signed differs.
    let other = PostgrestStore::new(PostgrestConfig {
        jwt_secret: "another-secret-of-32-characters-xx".into(),
        ..PostgrestConfig {
            url: "http://127.0.0.1:3000".into(),
            api_key: None,
            jwt_secret: String::new(),
            token_ttl: Duration::from_secs(300),
        }
    })
    .unwrap();
    let other_jwt = other.token(&p).unwrap();
    assert_ne!(other_jwt.rsplit('.').next(), jwt.rsplit('.').next());

    let upsert = PostgrestStore::plan_upsert(
        "/wells",
        "project_id,well_id",
        serde_json::json!([{"project_id": "north-sea", "well_id": "W1"}]),
    );
    let request = client.build(&p, &upsert).unwrap();
    assert_eq!(request.method(), "POST");
    assert_eq!(
        request.url().as_str(),
        "http://127.0.0.1:3000/wells?on_conflict=project_id%2Cwell_id"
    );
    assert_eq!(
        request.headers()["prefer"],
        "resolution=merge-duplicates,return=minimal"
    );
    assert_eq!(request.headers()["content-type"], "application/json");
    let body: serde_json::Value =
        serde_json::from_slice(request.body().unwrap().as_bytes().unwrap()).unwrap();
    assert_eq!(body[0]["well_id"], "W1");

    let rpc = PostgrestStore::plan_rpc("mudrock_put_log", serde_json::json!({"log": {}, "curves": []}));
    let request = client.build(&p, &rpc).unwrap();
    assert_eq!(request.url().path(), "/rpc/mudrock_put_log");
    assert_eq!(request.method(), "POST");
}

#[test]
fn postgrest_errors_become_clear_errors() {
    use mudrock_store::metadata::postgrest_error;
    use reqwest::StatusCode;
    let cases = [
        (
            409,
            r#"{"code":"23503","details":"Key (project_id, well_id)=(p, W9) is not present in table \"wells\".","hint":null,"message":"insert or update on table \"logs\" violates foreign key constraint \"logs_project_id_well_id_fkey\""}"#,
            ErrorKind::InvalidInput,
            false,
        ),
        (
            409,
            r#"{"code":"23505","details":"Key (project_id)=(p) already exists.","hint":null,"message":"duplicate key value violates unique constraint \"projects_pkey\""}"#,
            ErrorKind::Conflict,
            false,
        ),
        (
            403,
            r#"{"code":"42501","details":null,"hint":null,"message":"new row violates row-level security policy for table \"wells\""}"#,
            ErrorKind::PermissionDenied,
            false,
        ),
        (
            401,
            r#"{"code":"PGRST301","details":null,"hint":null,"message":"JWSError JWSInvalidSignature"}"#,
            ErrorKind::PermissionDenied,
            false,
        ),
        (
            404,
            r#"{"code":"PGRST205","details":null,"hint":"Perhaps you meant the table 'public.well'","message":"Could not find the table 'public.wells' in the schema cache"}"#,
            ErrorKind::ConfigInvalid,
            false,
        ),
        (
            503,
            r#"{"code":"PGRST000","details":"connection refused","hint":null,"message":"Database connection error. Retrying the connection."}"#,
            ErrorKind::Unavailable,
            true,
        ),
        (502, "<html>Bad gateway</html>", ErrorKind::Unavailable, true),
    ];
    for (status, body, kind, retryable) in cases {
        let e = postgrest_error(
            StatusCode::from_u16(status).unwrap(),
            body,
            "http://127.0.0.1:3000",
        );
        assert_eq!(e.kind(), kind, "{status} {body}: {e}");
        assert_eq!(e.is_retryable(), retryable, "{status}: {e}");
        assert_eq!(e.context("service"), Some("postgrest"));
    }
    let e = postgrest_error(
        StatusCode::NOT_FOUND,
        r#"{"code":"PGRST205","hint":"Perhaps you meant the table 'public.well'","message":"m"}"#,
        "u",
    );
    assert_eq!(
        e.context("hint"),
        Some("Perhaps you meant the table 'public.well'")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgrest_unreachable_is_unavailable() {
    let port = crate::support::free_port();
    let store = PostgrestStore::new(PostgrestConfig {
        url: format!("http://127.0.0.1:{port}"),
        api_key: None,
        jwt_secret: "a-secret-of-at-least-32-characters!!".into(),
        token_ttl: Duration::from_secs(60),
    })
    .unwrap();
    let e = store.wells(&scope("p")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unavailable, "{e}");
    assert!(e.message().contains("POSTGREST_URL"), "{e}");
}
