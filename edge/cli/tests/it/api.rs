//! The HTTP API, served for real on 127.0.0.1 (an ephemeral port) over a file-system store, and talked
//! to with a real HTTP client: every route, auth on each (401 / 403), the error envelope, Range reads
//! byte-exact against the stored object, 304s that compute nothing, Accept variants read back with the
//! Arrow and Parquet readers, a streamed large result, and an upload that lands in the wells list.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use arrow_array::{Array, RecordBatch};
use bytes::Bytes;
use mudrock_core::cache::ApiRoute;
use mudrock_engine::cache::{CacheConfig, Caches};
use mudrock_engine::query::QueryEngine;
use mudrock_engine::service::{Limits, Service};
use mudrock_server::auth::{Access, required_access};
use mudrock_server::{ApiConfig, ApiState, Scope, Server, Tokens};
use mudrock_shared::{ErrorCode, ErrorEnvelope, IngestResponse, IngestStatus, Table, media};
use mudrock_store::{Ingestor, StorageConfig, StorageManager};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

use crate::support::{las_form, layout, project, run_mudrock, shared_las, simple_las};

const ADMIN: &str = "admin-token-0123456789abcdef";
const DEMO_ONLY: &str = "demo-token-0123456789abcdef";
const OTHER_ONLY: &str = "other-token-0123456789abcdef";
/// `demo` only, read access (a viewer's token) and write access (an ingesting application's).
const DEMO_READ: &str = "demo-read-token-0123456789abcdef";
const DEMO_WRITE: &str = "demo-write-token-0123456789abcdef";
/// The demo well with a location (Colorado) and one without (Alberta, no coordinates in its header).
const LOCATED: &str = "05123456780000";
const UNLOCATED: &str = "100_10-16-039-03W5_00";
const MAX_UPLOAD: usize = 2 << 20;

struct Api {
    server: Server,
    http: reqwest::Client,
    /// The store's root on disk, to compare responses with the stored objects.
    objects: PathBuf,
    /// The well of project `other`.
    other_well: String,
    _dir: tempfile::TempDir,
}

impl Api {
    async fn start() -> Api {
        Api::start_with(Limits::default()).await
    }

    /// Project `demo` (the six demo wells) and project `other` (one small well), served with three
    /// tokens: all projects, `demo` only, `other` only.
    async fn start_with(limits: Limits) -> Api {
        let config = ApiConfig {
            max_upload_bytes: MAX_UPLOAD,
            ..ApiConfig::default()
        };
        let dir = tempfile::tempdir().unwrap();
        let objects = dir.path().join("objects");
        let storage = StorageManager::new(&StorageConfig::fs(&objects)).unwrap();
        let ingestor = Ingestor::new(storage.clone(), layout());
        let files = mudrock_store::demo::write_to(&dir.path().join("demo-las")).unwrap();
        let reports = ingestor.ingest_files(&project("demo"), &files, |_| {}).await;
        assert!(reports.iter().all(|r| r.status.is_success()), "{reports:?}");
        let other = ingestor
            .ingest_bytes(
                &project("other"),
                "other.las",
                simple_las("OTHER-0001", "OTHER WELL"),
            )
            .await;
        assert!(other.status.is_success(), "{other:?}");

        let tokens = Tokens::new()
            .with(ADMIN, Scope::All)
            .unwrap()
            .with(DEMO_ONLY, Scope::Projects(["demo".to_owned()].into()))
            .unwrap()
            .with(OTHER_ONLY, Scope::Projects(["other".to_owned()].into()))
            .unwrap()
            .with_access(
                DEMO_READ,
                Scope::Projects(["demo".to_owned()].into()),
                Access::Read,
            )
            .unwrap()
            .with_access(
                DEMO_WRITE,
                Scope::Projects(["demo".to_owned()].into()),
                Access::Write,
            )
            .unwrap();
        let caches = Arc::new(Caches::open(&CacheConfig::defaults(dir.path()), &storage, &layout()).unwrap());
        let engine = QueryEngine::new(storage, layout());
        let service = Service::new(ingestor, engine, caches, limits).unwrap();
        let state = ApiState::new(service, tokens, config);
        let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let server = Server::start(addr, state).await.unwrap();
        Api {
            server,
            http: reqwest::Client::builder().build().unwrap(),
            objects,
            other_well: other.well_id.unwrap(),
            _dir: dir,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.get(self.url(path)).bearer_auth(ADMIN)
    }

    fn sql(&self, project: &str, sql: &str) -> reqwest::RequestBuilder {
        self.http
            .post(self.url(&format!("/v1/projects/{project}/sql")))
            .bearer_auth(ADMIN)
            .json(&json!({ "sql": sql }))
    }

    async fn json(&self, path: &str) -> Value {
        let r = self.get(path).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        r.json().await.unwrap()
    }

    /// The first log id of a well (from its curves).
    async fn log_of(&self, project: &str, well: &str) -> String {
        let curves = self
            .json(&format!("/v1/projects/{project}/wells/{well}/curves"))
            .await;
        curves["curves"][0]["log_id"].as_str().unwrap().to_owned()
    }

    /// `name` (no labels) or `name{tier="…"}` from /metrics.
    async fn metric(&self, sample: &str) -> f64 {
        let text = self.get("/metrics").send().await.unwrap().text().await.unwrap();
        text.lines()
            .find_map(|l| l.strip_prefix(sample).and_then(|rest| rest.strip_prefix(' ')))
            .unwrap_or_else(|| panic!("{sample} not in\n{text}"))
            .parse()
            .unwrap()
    }

    /// A request the API answers with 200 — proof the server still serves after a bad one.
    async fn still_serves(&self) {
        let r = self.get("/v1/projects/demo/wells?limit=1").send().await.unwrap();
        assert_eq!(r.status(), 200);
    }
}

/// The envelope of a failed response, checking its status, code and content type.
async fn expect_error(r: reqwest::Response, status: u16, code: ErrorCode) -> ErrorEnvelope {
    let got = r.status();
    let content_type = r.headers().get(header::CONTENT_TYPE).cloned();
    let text = r.text().await.unwrap();
    assert_eq!(got.as_u16(), status, "{text}");
    assert_eq!(content_type.unwrap(), media::JSON, "{text}");
    let envelope: ErrorEnvelope = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(envelope.error.code, code, "{text}");
    assert!(!envelope.error.message.is_empty());
    envelope
}

fn arrow_batches(bytes: Bytes) -> Vec<RecordBatch> {
    arrow_ipc::reader::StreamReader::try_new(Cursor::new(bytes), None)
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap()
}

fn parquet_batches(bytes: Bytes) -> Vec<RecordBatch> {
    ParquetRecordBatchReaderBuilder::try_new(bytes)
        .unwrap()
        .build()
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap()
}

fn f64_column(batches: &[RecordBatch], name: &str) -> Vec<Option<f64>> {
    batches
        .iter()
        .flat_map(|b| {
            let c = b.column_by_name(name).unwrap().as_primitive::<Float64Type>();
            (0..c.len())
                .map(|i| c.is_valid(i).then(|| c.value(i)))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn json_f64_column(table: &Table, name: &str) -> Vec<Option<f64>> {
    table
        .column(name)
        .unwrap()
        .into_iter()
        .map(Value::as_f64)
        .collect()
}

/// One request per route (both methods of the Parquet object), with a body where the route needs one.
fn every_route(api: &Api, log: &str) -> Vec<(Method, String, Option<Value>)> {
    let p = "/v1/projects/demo";
    vec![
        (Method::GET, "/metrics".to_owned(), None),
        (Method::GET, "/v1/openapi.json".to_owned(), None),
        (Method::GET, "/v1/projects".to_owned(), None),
        (Method::GET, format!("{p}/wells"), None),
        (Method::GET, format!("{p}/wells/{LOCATED}"), None),
        (
            Method::POST,
            format!("{p}/wells/search"),
            Some(json!({ "polygon": "POLYGON((-106 39,-103 39,-103 42,-106 42,-106 39))" })),
        ),
        (Method::GET, format!("{p}/wells/{LOCATED}/curves"), None),
        (Method::GET, format!("{p}/wells/{LOCATED}/tops"), None),
        (Method::GET, format!("{p}/wells/{LOCATED}/logs?curves=GR"), None),
        (
            Method::GET,
            format!("{p}/wells/{LOCATED}/logs/{log}.parquet"),
            None,
        ),
        (
            Method::HEAD,
            format!("{p}/wells/{LOCATED}/logs/{log}.parquet"),
            None,
        ),
        (
            Method::POST,
            format!("{p}/sql"),
            Some(json!({ "sql": "SELECT 1 AS one" })),
        ),
        (Method::POST, format!("{p}/ingest"), None),
    ]
    .into_iter()
    .map(|(m, path, body)| (m, api.url(&path), body))
    .collect()
}

fn request(api: &Api, method: &Method, url: &str, body: &Option<Value>) -> reqwest::RequestBuilder {
    let mut r = api.http.request(method.clone(), url);
    if let Some(body) = body {
        r = r.json(body);
    }
    if url.ends_with("/ingest") {
        r = r.multipart(las_form("auth.las", simple_las("AUTH-0001", "AUTH")));
    }
    if url.ends_with(".parquet") {
        r = r.header(header::RANGE, "bytes=0-3");
    }
    r
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_needs_a_token_and_the_right_project() {
    let api = Api::start().await;
    let log = api.log_of("demo", LOCATED).await;
    let routes = every_route(&api, &log);
    // The router's own table: every route in the OpenAPI document is exercised here.
    let documented = api.json("/v1/openapi.json").await;
    let documented_ops: usize = documented["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_object().unwrap().len())
        .sum();
    assert_eq!(
        documented_ops,
        routes.len() + 1,
        "every route but /healthz is listed here"
    );

    for (method, url, body) in &routes {
        // No token, an unknown token, a malformed header: 401 with WWW-Authenticate, nothing run.
        for auth in [
            None,
            Some("Bearer not-a-token-of-this-server"),
            Some("Basic YWRtaW46YWRtaW4="),
        ] {
            let mut r = request(&api, method, url, body);
            if let Some(auth) = auth {
                r = r.header(header::AUTHORIZATION, auth);
            }
            let response = r.send().await.unwrap();
            assert_eq!(response.status(), 401, "{method} {url} with {auth:?}");
            assert_eq!(
                response.headers()[header::WWW_AUTHENTICATE],
                "Bearer realm=\"mudrock\""
            );
            if *method != Method::HEAD {
                expect_error(response, 401, ErrorCode::Unauthorized).await;
            }
        }
        // A token of another project: 403 on project routes, 200 on the others.
        let response = request(&api, method, url, body)
            .bearer_auth(OTHER_ONLY)
            .send()
            .await
            .unwrap();
        if url.contains("/v1/projects/demo") {
            if *method == Method::HEAD {
                assert_eq!(response.status(), 403, "{url}");
            } else {
                let e = expect_error(response, 403, ErrorCode::Forbidden).await;
                assert_eq!(e.error.details["project"], "demo");
            }
        } else {
            assert_eq!(response.status(), 200, "{method} {url}");
        }
        // The right token: served.
        let response = request(&api, method, url, body)
            .bearer_auth(DEMO_ONLY)
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "{method} {url}: {}",
            response.status()
        );
    }

    // Health needs nothing.
    let health: Value = api
        .http
        .get(api.url("/healthz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    // A token lists only its projects.
    let mine = api
        .http
        .get(api.url("/v1/projects"))
        .bearer_auth(OTHER_ONLY)
        .send()
        .await
        .unwrap();
    assert_eq!(
        mine.json::<Value>().await.unwrap(),
        json!({ "projects": [{ "project_id": "other" }] })
    );
    let all = api.json("/v1/projects").await;
    assert_eq!(
        all,
        json!({ "projects": [{ "project_id": "demo" }, { "project_id": "other" }] })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_cannot_reach_another_project() {
    let api = Api::start().await;
    // The other project's well is not in this project's table, whatever the token may read.
    let r = api
        .sql(
            "demo",
            &format!(
                "SELECT count(*) AS n FROM well_logs WHERE well_id = '{}'",
                api.other_well
            ),
        )
        .send()
        .await
        .unwrap();
    let table: Table = r.json().await.unwrap();
    assert_eq!(table.rows[0][0], 0);
    let r = api
        .sql("other", "SELECT DISTINCT well_id FROM well_logs")
        .send()
        .await
        .unwrap();
    let table: Table = r.json().await.unwrap();
    assert_eq!(table.rows, vec![vec![json!(api.other_well)]]);
    // Naming another project's tables, a file or a URL table: refused as invalid SQL.
    let demo_log = api.objects.join(format!(
        "demo/wells/{LOCATED}/logs/{}.parquet",
        api.log_of("demo", LOCATED).await
    ));
    for sql in [
        "SELECT * FROM demo.well_logs".to_owned(),
        "SELECT * FROM \"demo\".\"public\".\"well_logs\"".to_owned(),
        format!("SELECT * FROM '{}'", demo_log.display()),
    ] {
        let r = api.sql("other", &sql).send().await.unwrap();
        let e = expect_error(r, 400, ErrorCode::InvalidSql).await;
        assert!(
            e.error.message.contains("unknown table") || e.error.message.contains("not found"),
            "{}",
            e.error.message
        );
    }
    // The session's own catalog lists this project's tables and nothing else.
    let r = api
        .sql("other", "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name")
        .send()
        .await
        .unwrap();
    let table: Table = r.json().await.unwrap();
    let names: Vec<&str> = table.rows.iter().map(|r| r[0].as_str().unwrap()).collect();
    assert_eq!(names, ["curves", "logs", "well_logs", "wells"]);
    let r = api
        .sql(
            "other",
            "SELECT DISTINCT table_catalog FROM information_schema.tables",
        )
        .send()
        .await
        .unwrap();
    let table: Table = r.json().await.unwrap();
    assert_eq!(table.row_count, 1, "one catalog: {:?}", table.rows);
    // A token for `other` cannot post SQL to `demo` at all.
    let r = api
        .http
        .post(api.url("/v1/projects/demo/sql"))
        .bearer_auth(OTHER_ONLY)
        .json(&json!({ "sql": "SELECT 1" }))
        .send()
        .await
        .unwrap();
    expect_error(r, 403, ErrorCode::Forbidden).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wells_are_filtered_paged_and_revalidated() {
    let api = Api::start().await;
    let page = api.json("/v1/projects/demo/wells?limit=4").await;
    assert_eq!(page["total"], 6);
    assert_eq!(page["wells"].as_array().unwrap().len(), 4);
    assert_eq!(page["next_offset"], 4);
    let last = api.json("/v1/projects/demo/wells?limit=4&offset=4").await;
    assert_eq!(last["wells"].as_array().unwrap().len(), 2);
    assert!(last["next_offset"].is_null());

    let named = api.json("/v1/projects/demo/wells?name=federal").await;
    assert_eq!(named["total"], 1);
    assert_eq!(named["wells"][0]["well_id"], LOCATED);
    let by_uwi = api.json("/v1/projects/demo/wells?uwi=0512345678").await;
    assert_eq!(
        by_uwi["wells"][0]["well_id"], LOCATED,
        "the API number matches too"
    );
    let unlocated = api.json("/v1/projects/demo/wells?has_location=false").await;
    assert_eq!(unlocated["total"], 1);
    assert_eq!(unlocated["wells"][0]["well_id"], UNLOCATED);
    let colorado = api.json("/v1/projects/demo/wells?bbox=-105,39.5,-104,41").await;
    let ids: Vec<&str> = colorado["wells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["well_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [LOCATED]);

    let well = api.json(&format!("/v1/projects/demo/wells/{LOCATED}")).await;
    assert_eq!(well["name"], "MUDROCK FEDERAL 1-16");
    assert_eq!(well["api"], "0512345678");
    let curves = api
        .json(&format!("/v1/projects/demo/wells/{LOCATED}/curves"))
        .await;
    let mnemonics: Vec<&str> = curves["curves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["mnemonic"].as_str().unwrap())
        .collect();
    assert_eq!(mnemonics, mudrock_store::demo::CURVES);

    // ETag → 304 without a body; a changed catalog → a new ETag.
    let r = api.get("/v1/projects/demo/wells").send().await.unwrap();
    let etag = r.headers()[header::ETAG].to_str().unwrap().to_owned();
    let r = api
        .get("/v1/projects/demo/wells")
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(r.headers()[header::ETAG], etag.as_str());
    assert!(r.bytes().await.unwrap().is_empty());
    let up = api
        .http
        .post(api.url("/v1/projects/demo/ingest"))
        .bearer_auth(ADMIN)
        .multipart(las_form("new.las", simple_las("NEW-0001", "NEW WELL")))
        .send()
        .await
        .unwrap();
    assert_eq!(up.status(), 200);
    let r = api
        .get("/v1/projects/demo/wells")
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "a new ingest changes the ETag");
    assert_eq!(r.json::<Value>().await.unwrap()["total"], 7);

    // Refusals.
    let r = api
        .get("/v1/projects/demo/wells/NO_SUCH_WELL")
        .send()
        .await
        .unwrap();
    expect_error(r, 404, ErrorCode::NotFound).await;
    let r = api.get("/v1/projects/nothing-here/wells").send().await.unwrap();
    expect_error(r, 404, ErrorCode::NotFound).await;
    for bad in [
        "bbox=1,2,3",
        "bbox=5,2,1,4",
        "limit=0",
        "limit=abc",
        "colour=red",
        "has_location=maybe",
    ] {
        let r = api
            .get(&format!("/v1/projects/demo/wells?{bad}"))
            .send()
            .await
            .unwrap();
        expect_error(r, 400, ErrorCode::BadRequest).await;
    }
    let r = api.get("/v1/projects/bad..id/wells").send().await.unwrap();
    expect_error(r, 400, ErrorCode::BadRequest).await;
    api.still_serves().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polygon_search_lists_unlocated_wells_apart() {
    let api = Api::start().await;
    let search = |polygon: Value| {
        api.http
            .post(api.url("/v1/projects/demo/wells/search"))
            .bearer_auth(ADMIN)
            .json(&json!({ "polygon": polygon }))
            .send()
    };
    // Colorado, as WKT with a hole elsewhere, and as a GeoJSON object.
    let wkt = "POLYGON((-106 39,-103 39,-103 42,-106 42,-106 39),(-105.9 41.5,-105.5 41.5,-105.5 41.9,-105.9 41.5))";
    let geojson = json!({ "type": "Polygon", "coordinates": [[[-106, 39], [-103, 39], [-103, 42], [-106, 42], [-106, 39]]] });
    for polygon in [json!(wkt), geojson.clone(), json!(geojson.to_string())] {
        let r = search(polygon).await.unwrap();
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        let inside: Vec<&str> = body["inside"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["well_id"].as_str().unwrap())
            .collect();
        assert_eq!(inside, [LOCATED]);
        let without: Vec<&str> = body["without_location"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["well_id"].as_str().unwrap())
            .collect();
        assert_eq!(without, [UNLOCATED]);
        assert_eq!(body["wells_considered"], 6);
    }
    // A hole around the well takes it out.
    let holed = "POLYGON((-106 39,-103 39,-103 42,-106 42,-106 39),(-104.8 40,-104.5 40,-104.5 40.3,-104.8 40.3,-104.8 40))";
    let body: Value = search(json!(holed)).await.unwrap().json().await.unwrap();
    assert!(body["inside"].as_array().unwrap().is_empty(), "{body}");

    for bad in [
        json!("POLYGON((0 0, 1 0, 1 1))"),
        json!("not a polygon"),
        json!({ "type": "Point", "coordinates": [0, 0] }),
    ] {
        let r = search(bad).await.unwrap();
        expect_error(r, 400, ErrorCode::InvalidPolygon).await;
    }
    let r = api
        .http
        .post(api.url("/v1/projects/demo/wells/search"))
        .bearer_auth(ADMIN)
        .json(&json!({ "shape": wkt }))
        .send()
        .await
        .unwrap();
    expect_error(r, 400, ErrorCode::BadRequest).await;
    api.still_serves().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_windows_in_every_format_cached_and_revalidated() {
    let api = Api::start().await;
    let log = api.log_of("demo", LOCATED).await;
    let path = format!("/v1/projects/demo/wells/{LOCATED}/logs?curves=GR,RHOB&depth_min=5000&depth_max=5100");

    // The window equals the stored Parquet read directly.
    let stored = parquet_batches(Bytes::from(
        std::fs::read(
            api.objects
                .join(format!("demo/wells/{LOCATED}/logs/{log}.parquet")),
        )
        .unwrap(),
    ));
    let depth = f64_column(&stored, "depth");
    let gr = f64_column(&stored, "GR");
    let expected: Vec<(f64, Option<f64>)> = depth
        .iter()
        .zip(&gr)
        .filter_map(|(d, g)| d.filter(|d| (5000.0..=5100.0).contains(d)).map(|d| (d, *g)))
        .collect();
    assert_eq!(expected.len(), 201);

    let r = api.get(&path).send().await.unwrap();
    assert_eq!(r.headers()[header::CONTENT_TYPE], media::JSON);
    let etag = r.headers()[header::ETAG].to_str().unwrap().to_owned();
    let table: Table = r.json().await.unwrap();
    let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["well_id", "depth", "GR", "RHOB"]);
    let got: Vec<(f64, Option<f64>)> = json_f64_column(&table, "depth")
        .into_iter()
        .map(Option::unwrap)
        .zip(json_f64_column(&table, "GR"))
        .collect();
    assert_eq!(got, expected);

    let arrow = api
        .get(&path)
        .header(header::ACCEPT, media::ARROW_STREAM)
        .send()
        .await
        .unwrap();
    assert_eq!(arrow.headers()[header::CONTENT_TYPE], media::ARROW_STREAM);
    assert_ne!(
        arrow.headers()[header::ETAG],
        etag.as_str(),
        "each representation has its own ETag"
    );
    let arrow = arrow_batches(arrow.bytes().await.unwrap());
    assert_eq!(
        f64_column(&arrow, "GR"),
        expected.iter().map(|e| e.1).collect::<Vec<_>>()
    );
    // Each curve's unit and description ride in its Arrow field, as the curves catalog has them.
    let schema = arrow[0].schema();
    let gr = schema.field_with_name("GR").unwrap().metadata();
    assert_eq!(
        (gr["mudrock.unit"].as_str(), gr["mudrock.description"].as_str()),
        ("GAPI", "GAMMA RAY")
    );
    assert!(
        schema
            .field_with_name("depth")
            .unwrap()
            .metadata()
            .contains_key("mudrock.unit")
    );
    let pq = api
        .get(&path)
        .header(header::ACCEPT, media::PARQUET)
        .send()
        .await
        .unwrap();
    assert_eq!(pq.headers()[header::CONTENT_TYPE], media::PARQUET);
    let pq = parquet_batches(pq.bytes().await.unwrap());
    assert_eq!(f64_column(&pq, "RHOB"), f64_column(&arrow, "RHOB"));

    // Cached: the same request again runs nothing; If-None-Match answers 304 without even the cache.
    let queries = api.metric("mudrock_api_queries_total").await;
    let l1_loads = api.metric("mudrock_cache_load_seconds_count{tier=\"l1\"}").await;
    let l1_hits = api.metric("mudrock_cache_hits_total{tier=\"l1\"}").await;
    let again: Table = api.get(&path).send().await.unwrap().json().await.unwrap();
    assert_eq!(again, table);
    assert_eq!(api.metric("mudrock_api_queries_total").await, queries);
    assert_eq!(
        api.metric("mudrock_cache_hits_total{tier=\"l1\"}").await,
        l1_hits + 1.0
    );
    let r = api
        .get(&path)
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert!(r.bytes().await.unwrap().is_empty());
    assert_eq!(api.metric("mudrock_api_queries_total").await, queries);
    assert_eq!(
        api.metric("mudrock_cache_load_seconds_count{tier=\"l1\"}").await,
        l1_loads
    );
    assert_eq!(
        api.metric("mudrock_cache_hits_total{tier=\"l1\"}").await,
        l1_hits + 1.0,
        "the 304 did not touch L1"
    );
    assert_eq!(api.metric("mudrock_api_not_modified_total").await, 1.0);

    // Concurrent misses of one new window: one query.
    let fresh = format!("/v1/projects/demo/wells/{LOCATED}/logs?curves=NPHI&depth_min=6000&depth_max=6500");
    let before = api.metric("mudrock_api_queries_total").await;
    let answers = futures::future::join_all((0..16).map(|_| api.get(&fresh).send())).await;
    for a in answers {
        assert_eq!(a.unwrap().status(), 200);
    }
    assert_eq!(api.metric("mudrock_api_queries_total").await, before + 1.0);

    // Decimation: at most max_points rows per well, spikes kept.
    let whole = format!("/v1/projects/demo/wells/{LOCATED}/logs?curves=GR");
    let all: Table = api.get(&whole).send().await.unwrap().json().await.unwrap();
    assert_eq!(all.row_count, 12_000);
    let r = api.get(&format!("{whole}&max_points=500")).send().await.unwrap();
    assert_eq!(r.headers()[media::HEADER_DECIMATED], "true");
    let thin: Table = r.json().await.unwrap();
    assert!(
        thin.row_count <= 500 && thin.row_count >= 100,
        "{}",
        thin.row_count
    );
    let max = |t: &Table| {
        json_f64_column(t, "GR")
            .into_iter()
            .flatten()
            .fold(f64::MIN, f64::max)
    };
    assert_eq!(max(&thin), max(&all), "the maximum survives decimation");

    // No curves named: every curve of the well.
    let every: Table = api
        .get(&format!(
            "/v1/projects/demo/wells/{LOCATED}/logs?depth_min=4000&depth_max=4001"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(every.columns.len(), 2 + mudrock_store::demo::CURVES.len() - 1);

    // Refusals, each followed by a working request.
    let bad_requests: [(&str, u16, ErrorCode); 6] = [
        ("curves=GR,NOPE", 400, ErrorCode::UnknownCurve),
        ("curves=GR&depth_min=10&depth_max=5", 400, ErrorCode::BadRequest),
        ("curves=GR&depth_min=abc", 400, ErrorCode::BadRequest),
        ("curves=GR&max_points=1", 400, ErrorCode::BadRequest),
        ("curves=GR&max_points=100000000", 400, ErrorCode::BadRequest),
        ("curve=GR", 400, ErrorCode::BadRequest),
    ];
    for (query, status, code) in bad_requests {
        let r = api
            .get(&format!("/v1/projects/demo/wells/{LOCATED}/logs?{query}"))
            .send()
            .await
            .unwrap();
        let e = expect_error(r, status, code).await;
        if code == ErrorCode::UnknownCurve {
            assert!(e.error.message.contains("NOPE"), "{}", e.error.message);
            assert!(
                e.error.details["available"]
                    .as_array()
                    .unwrap()
                    .contains(&json!("RHOB"))
            );
        }
        api.still_serves().await;
    }
    let r = api
        .get(&path)
        .header(header::ACCEPT, "text/csv")
        .send()
        .await
        .unwrap();
    expect_error(r, 406, ErrorCode::NotAcceptable).await;
    let r = api
        .get("/v1/projects/demo/wells/NO_SUCH/logs?curves=GR")
        .send()
        .await
        .unwrap();
    expect_error(r, 404, ErrorCode::NotFound).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parquet_objects_are_served_by_byte_range() {
    let api = Api::start().await;
    let log = api.log_of("demo", LOCATED).await;
    let path = format!("/v1/projects/demo/wells/{LOCATED}/logs/{log}.parquet");
    let stored = std::fs::read(
        api.objects
            .join(format!("demo/wells/{LOCATED}/logs/{log}.parquet")),
    )
    .unwrap();
    let size = stored.len();
    assert!(size > 1000);

    let whole = api.get(&path).send().await.unwrap();
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.headers()[header::ACCEPT_RANGES], "bytes");
    assert_eq!(whole.headers()[header::CONTENT_TYPE], media::PARQUET);
    let etag = whole.headers()[header::ETAG].to_str().unwrap().to_owned();
    assert_eq!(whole.bytes().await.unwrap(), stored);

    let ranges: Vec<(String, std::ops::Range<usize>)> = vec![
        ("bytes=0-3".to_owned(), 0..4),
        ("bytes=100-199".to_owned(), 100..200),
        ("bytes=-8".to_owned(), size - 8..size),
        (format!("bytes={}-", size - 10), size - 10..size),
        (format!("bytes={}-{}", size - 5, size + 1000), size - 5..size),
        ("bytes=-100000000".to_owned(), 0..size),
    ];
    for (range, want) in ranges {
        let r = api.get(&path).header(header::RANGE, &range).send().await.unwrap();
        assert_eq!(r.status(), 206, "{range}");
        assert_eq!(
            r.headers()[header::CONTENT_RANGE],
            format!("bytes {}-{}/{size}", want.start, want.end - 1).as_str(),
            "{range}"
        );
        assert_eq!(r.headers()[header::ETAG], etag.as_str());
        assert_eq!(r.bytes().await.unwrap(), stored[want.clone()], "{range}");
    }
    assert_eq!(
        &stored[size - 4..],
        b"PAR1",
        "the footer magic, as a browser reads it first"
    );

    // Unsatisfiable and multiple ranges: 416 with Content-Range; malformed: 400.
    for range in [
        format!("bytes={size}-"),
        "bytes=-0".to_owned(),
        "bytes=0-1,5-9".to_owned(),
    ] {
        let r = api.get(&path).header(header::RANGE, &range).send().await.unwrap();
        assert_eq!(
            r.headers()[header::CONTENT_RANGE],
            format!("bytes */{size}").as_str()
        );
        expect_error(r, 416, ErrorCode::RangeNotSatisfiable).await;
        api.still_serves().await;
    }
    let r = api
        .get(&path)
        .header(header::RANGE, "bytes=9-2")
        .send()
        .await
        .unwrap();
    expect_error(r, 400, ErrorCode::BadRequest).await;

    // HEAD: the headers of GET, no body.
    let head = api
        .http
        .head(api.url(&path))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()[header::CONTENT_LENGTH], size.to_string().as_str());
    assert_eq!(head.headers()[header::ETAG], etag.as_str());
    assert!(head.bytes().await.unwrap().is_empty());
    let head = api
        .http
        .head(api.url(&path))
        .bearer_auth(ADMIN)
        .header(header::RANGE, "bytes=0-9")
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 206);
    assert_eq!(head.headers()[header::CONTENT_LENGTH], "10");

    // Validators: 304 on the current ETag; If-Range with another ETag sends the whole object.
    let r = api
        .get(&path)
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    let r = api
        .get(&path)
        .header(header::RANGE, "bytes=0-9")
        .header(header::IF_RANGE, "\"another-version\"")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().len(), size);

    // Missing or misnamed objects.
    let r = api
        .get(&format!(
            "/v1/projects/demo/wells/{LOCATED}/logs/log-0000000000000000.parquet"
        ))
        .send()
        .await
        .unwrap();
    expect_error(r, 404, ErrorCode::NotFound).await;
    let r = api
        .get(&format!("/v1/projects/demo/wells/{LOCATED}/logs/{log}.xlsx"))
        .send()
        .await
        .unwrap();
    expect_error(r, 404, ErrorCode::NotFound).await;
    // `.csv` and `.las` are the log given back as a file (edge/cli/tests/it/export.rs).
    let r = api
        .get(&format!("/v1/projects/demo/wells/{LOCATED}/logs/{log}.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().starts_with("DEPT,"));
    let r = api
        .get(&format!(
            "/v1/projects/demo/wells/{LOCATED}/logs/..%2F..%2Fcatalog.parquet"
        ))
        .send()
        .await
        .unwrap();
    assert!(r.status() == 400 || r.status() == 404, "{}", r.status());
    // Another project's token cannot read the bytes.
    let r = api
        .http
        .get(api.url(&path))
        .bearer_auth(OTHER_ONLY)
        .header(header::RANGE, "bytes=0-3")
        .send()
        .await
        .unwrap();
    expect_error(r, 403, ErrorCode::Forbidden).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_streams_results_in_every_format_with_limits() {
    let api = Api::start_with(Limits {
        row_limit: 50_000,
        ..Limits::default()
    })
    .await;
    let sql = "SELECT well_id, depth, GR FROM well_logs WHERE well_id = '05123456780000' ORDER BY depth";
    let r = api.sql("demo", sql).send().await.unwrap();
    assert_eq!(r.headers()[media::HEADER_ROW_LIMIT], "50000");
    let etag = r.headers()[header::ETAG].to_str().unwrap().to_owned();
    let table: Table = r.json().await.unwrap();
    assert_eq!(table.row_count, 12_000);
    assert!(!table.truncated);
    let arrow = arrow_batches(
        api.sql("demo", sql)
            .header(header::ACCEPT, media::ARROW_STREAM)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    );
    assert_eq!(f64_column(&arrow, "GR"), json_f64_column(&table, "GR"));
    let pq = parquet_batches(
        api.sql("demo", sql)
            .header(header::ACCEPT, media::PARQUET)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    );
    assert_eq!(f64_column(&pq, "depth"), json_f64_column(&table, "depth"));

    // 304 without running the query.
    let queries = api.metric("mudrock_api_queries_total").await;
    let r = api
        .sql("demo", sql)
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    assert_eq!(api.metric("mudrock_api_queries_total").await, queries);

    // A large result is streamed (no Content-Length: chunked), cut at the server's row limit and said so.
    let r = api.sql("demo", "SELECT * FROM well_logs").send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().get(header::CONTENT_LENGTH).is_none(), "streamed");
    let mut chunks = 0;
    let mut body = Vec::new();
    let mut stream = r.bytes_stream();
    while let Some(chunk) = futures::StreamExt::next(&mut stream).await {
        body.extend_from_slice(&chunk.unwrap());
        chunks += 1;
    }
    assert!(chunks > 1, "{chunks} chunks");
    let table: Table = serde_json::from_slice(&body).unwrap();
    assert_eq!(table.row_count, 50_000);
    assert!(table.truncated);
    let arrow = arrow_batches(
        api.sql("demo", "SELECT * FROM well_logs")
            .header(header::ACCEPT, media::ARROW_STREAM)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    );
    assert_eq!(arrow.iter().map(RecordBatch::num_rows).sum::<usize>(), 50_000);
    // A request limit below the server's.
    let r = api
        .http
        .post(api.url("/v1/projects/demo/sql"))
        .bearer_auth(ADMIN)
        .json(&json!({ "sql": "SELECT depth FROM well_logs", "limit": 7 }))
        .send()
        .await
        .unwrap();
    let table: Table = r.json().await.unwrap();
    assert_eq!((table.row_count, table.truncated), (7, true));

    // Refusals, each followed by a working request.
    let refusals: [(&str, ErrorCode); 6] = [
        ("DROP TABLE wells", ErrorCode::ReadOnly),
        ("INSERT INTO wells VALUES (1)", ErrorCode::ReadOnly),
        ("CREATE TABLE t AS SELECT 1", ErrorCode::ReadOnly),
        ("SELEC 1", ErrorCode::InvalidSql),
        ("SELECT NOPE FROM well_logs", ErrorCode::InvalidSql),
        ("", ErrorCode::InvalidSql),
    ];
    for (sql, code) in refusals {
        let r = api.sql("demo", sql).send().await.unwrap();
        expect_error(r, 400, code).await;
        api.still_serves().await;
    }
    let r = api.sql("demo", "SELECT gr FROM well_logs").send().await.unwrap();
    let e = expect_error(r, 400, ErrorCode::InvalidSql).await;
    assert!(e.error.message.contains("GR"), "{}", e.error.message);
    let r = api.sql("nothing-here", "SELECT 1").send().await.unwrap();
    expect_error(r, 404, ErrorCode::NotFound).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_query_times_out_and_the_server_keeps_serving() {
    // A join of 79,000 × 500 rows: tens of milliseconds in a release build, seconds in a debug one —
    // always past 20 ms, and not so long that the abandoned query (it stops at its next yield) slows
    // the other tests down.
    let api = Api::start_with(Limits {
        query_timeout: Duration::from_millis(20),
        ..Limits::default()
    })
    .await;
    let started = std::time::Instant::now();
    let r = api
        .sql(
            "demo",
            "SELECT count(*) FROM well_logs a CROSS JOIN (SELECT GR FROM well_logs LIMIT 500) b WHERE a.GR > b.GR",
        )
        .send()
        .await
        .unwrap();
    let e = expect_error(r, 504, ErrorCode::QueryTimeout).await;
    assert!(e.error.message.contains("longer than"), "{}", e.error.message);
    assert!(started.elapsed() < Duration::from_secs(20));
    api.still_serves().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_are_ingested_and_listed() {
    let api = Api::start().await;
    let upload = |parts: Vec<(&'static str, Vec<u8>)>| {
        let mut form = reqwest::multipart::Form::new().text("comment", "not a file");
        for (name, bytes) in parts {
            form = form.part("files", reqwest::multipart::Part::bytes(bytes).file_name(name));
        }
        api.http
            .post(api.url("/v1/projects/fresh/ingest"))
            .bearer_auth(ADMIN)
            .multipart(form)
            .send()
    };
    let real = std::fs::read(shared_las("lasio/standards/examples/2.0/sample_2.0.las")).unwrap();
    let r = upload(vec![
        ("sample_2.0.las", real.clone()),
        (
            "C:\\field\\broken.las",
            b"~V\n VERS. 2.0 :\n~C\n DEPT.M :\n GR.GAPI :\n~A\n1 2\n2 x y z\n".to_vec(),
        ),
    ])
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let report: IngestResponse = r.json().await.unwrap();
    assert_eq!(report.project_id, "fresh");
    assert_eq!(report.files.len(), 2);
    assert_eq!(report.files[0].status, IngestStatus::Ok, "{:?}", report.files[0]);
    assert_eq!(report.files[0].file, "sample_2.0.las");
    assert!(report.files[0].rows > 0);
    assert_eq!(report.files[1].status, IngestStatus::Rejected);
    assert_eq!(report.files[1].file, "broken.las");
    assert!(
        report.files[1].reason.as_deref().unwrap().contains("line 8"),
        "{:?}",
        report.files[1].reason
    );
    assert!(!report.all_ok());

    let wells = api.json("/v1/projects/fresh/wells").await;
    assert_eq!(wells["total"], 1);
    assert_eq!(
        wells["wells"][0]["well_id"],
        report.files[0].well_id.clone().unwrap()
    );
    assert!(api.json("/v1/projects").await.to_string().contains("fresh"));

    // The same bytes again: unchanged.
    let again: IngestResponse = upload(vec![("again.las", real)])
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again.files[0].status, IngestStatus::Unchanged);

    // No file part, not multipart, too large: 4xx envelopes, and the server goes on.
    let r = api
        .http
        .post(api.url("/v1/projects/fresh/ingest"))
        .bearer_auth(ADMIN)
        .multipart(reqwest::multipart::Form::new().text("comment", "no file"))
        .send()
        .await
        .unwrap();
    expect_error(r, 400, ErrorCode::BadRequest).await;
    let r = api
        .http
        .post(api.url("/v1/projects/fresh/ingest"))
        .bearer_auth(ADMIN)
        .body("plain")
        .send()
        .await
        .unwrap();
    let e = expect_error(r, 400, ErrorCode::BadRequest).await;
    assert!(e.error.message.contains("multipart"), "{}", e.error.message);
    let huge = vec![b'x'; MAX_UPLOAD + 1024];
    let r = upload(vec![("huge.las", huge)]).await.unwrap();
    expect_error(r, 413, ErrorCode::PayloadTooLarge).await;
    api.still_serves().await;
    let r = api
        .http
        .post(api.url("/v1/projects/bad..id/ingest"))
        .bearer_auth(ADMIN)
        .multipart(
            reqwest::multipart::Form::new()
                .part("f", reqwest::multipart::Part::bytes(vec![1]).file_name("a.las")),
        )
        .send()
        .await
        .unwrap();
    expect_error(r, 400, ErrorCode::BadRequest).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_failure_is_an_envelope_and_the_server_keeps_serving() {
    let api = Api::start().await;
    let post = |path: &str, content_type: &str, body: &'static str| {
        api.http
            .post(api.url(path))
            .bearer_auth(ADMIN)
            .header(header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
    };
    let cases: Vec<(reqwest::Response, u16, ErrorCode)> = vec![
        (
            post("/v1/projects/demo/sql", "application/json", "{\"sql\": ")
                .await
                .unwrap(),
            400,
            ErrorCode::BadRequest,
        ),
        (
            post(
                "/v1/projects/demo/sql",
                "application/json",
                "{\"query\": \"SELECT 1\"}",
            )
            .await
            .unwrap(),
            400,
            ErrorCode::BadRequest,
        ),
        (
            post("/v1/projects/demo/sql", "text/plain", "SELECT 1")
                .await
                .unwrap(),
            415,
            ErrorCode::UnsupportedMediaType,
        ),
        (
            post("/v1/projects/demo/wells/search", "application/json", "[]")
                .await
                .unwrap(),
            400,
            ErrorCode::BadRequest,
        ),
        (
            api.get("/v2/projects").send().await.unwrap(),
            404,
            ErrorCode::RouteNotFound,
        ),
        // (`/` is the browser viewer's page: routes/app.rs.)
        (
            api.get("/nope").send().await.unwrap(),
            404,
            ErrorCode::RouteNotFound,
        ),
        (
            api.http
                .delete(api.url("/v1/projects/demo/wells"))
                .bearer_auth(ADMIN)
                .send()
                .await
                .unwrap(),
            405,
            ErrorCode::MethodNotAllowed,
        ),
        (
            api.get("/v1/projects/demo/sql").send().await.unwrap(),
            405,
            ErrorCode::MethodNotAllowed,
        ),
        (
            api.sql("demo", "SELECT 1")
                .header(header::ACCEPT, "text/html")
                .send()
                .await
                .unwrap(),
            406,
            ErrorCode::NotAcceptable,
        ),
    ];
    for (response, status, code) in cases {
        expect_error(response, status, code).await;
        api.still_serves().await;
    }
    // A well called `search` is still a well route on GET.
    let r = api.get("/v1/projects/demo/wells/search").send().await.unwrap();
    let e = expect_error(r, 404, ErrorCode::NotFound).await;
    assert!(e.error.message.contains("search"), "{}", e.error.message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_and_metrics() {
    let api = Api::start().await;
    let doc = api.json("/v1/openapi.json").await;
    assert_eq!(doc["openapi"], "3.1.0");
    let paths: BTreeMap<String, Value> = serde_json::from_value(doc["paths"].clone()).unwrap();
    assert!(paths.contains_key("/v1/projects/{project}/wells/{well}/logs"));
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");

    let _ = api
        .json(&format!(
            "/v1/projects/demo/wells/{LOCATED}/logs?curves=GR&depth_max=4100"
        ))
        .await;
    let r = api.get("/metrics").send().await.unwrap();
    assert!(
        r.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = r.text().await.unwrap();
    for line in text.lines().filter(|l| !l.is_empty()) {
        if let Some(comment) = line.strip_prefix('#') {
            assert!(
                comment.starts_with(" HELP ") || comment.starts_with(" TYPE "),
                "{line}"
            );
        } else {
            let (name, value) = line.rsplit_once(' ').unwrap();
            assert!(name.starts_with("mudrock_"), "{line}");
            value.parse::<f64>().unwrap_or_else(|_| panic!("{line}"));
        }
    }
    for tier in ["l1", "l2", "l3"] {
        assert!(
            text.contains(&format!("mudrock_cache_hits_total{{tier=\"{tier}\"}}")),
            "{tier}"
        );
    }
    assert!(api.metric("mudrock_api_queries_total").await >= 1.0);
}

/// One id follows a request from the caller (or the edge worker) through this server and back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_ids_are_echoed_or_made() {
    let api = Api::start().await;
    let given = api
        .get("/v1/projects/demo/wells?limit=1")
        .header("x-request-id", "edge-abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(given.headers()["x-request-id"], "edge-abc-123");
    // On failures too (here a 401 from the auth layer, before any handler).
    let denied = api
        .http
        .get(api.url("/v1/projects"))
        .header("x-request-id", "edge-denied-1")
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), 401);
    assert_eq!(denied.headers()["x-request-id"], "edge-denied-1");
    let mut made = std::collections::BTreeSet::new();
    for _ in 0..2 {
        let r = api.get("/v1/projects").send().await.unwrap();
        let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert!(id.starts_with("origin-"), "{id}");
        made.insert(id);
    }
    assert_eq!(made.len(), 2, "each request gets its own id");
    // An id too long to be one is replaced, not echoed.
    let long = "x".repeat(200);
    let r = api
        .get("/v1/projects")
        .header("x-request-id", &long)
        .send()
        .await
        .unwrap();
    assert_ne!(r.headers()["x-request-id"], long.as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_stops_gracefully() {
    let api = Api::start().await;
    let url = api.url("/healthz");
    assert_eq!(api.http.get(&url).send().await.unwrap().status(), 200);
    api.server.stop().await.unwrap();
    assert!(api.http.get(&url).send().await.is_err(), "no longer listening");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_ends_by_serving_with_a_printed_token_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_owned();
    let running =
        tokio::task::spawn_blocking(move || run_mudrock(&data, &["demo", "--addr", "127.0.0.1:0"], &[]))
            .await
            .unwrap();
    let token = running
        .token
        .clone()
        .expect("a token is printed when none is configured");
    assert_eq!(token.len(), 64);
    let http = reqwest::Client::new();
    let wells = format!("{}/v1/projects/demo/wells", running.url);
    let r = http.get(&wells).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["total"], 6);
    let r = http.get(&wells).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let (status, rest) = tokio::task::spawn_blocking(move || running.terminate())
        .await
        .unwrap();
    assert!(status.success(), "{status:?}");
    assert!(rest.contains("stopped"), "{rest}");
}

/// A token of the auth config whose `expires` has passed.
const EXPIRED: &str = "expired-token-0123456789";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_takes_tokens_from_a_config_file_or_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let setup = std::process::Command::new(env!("CARGO_BIN_EXE_mudrock"))
        .arg("--data-dir")
        .arg(&data)
        .args(["demo", "--no-serve"])
        .output()
        .unwrap();
    assert!(setup.status.success());
    let config = dir.path().join("auth.json");
    std::fs::write(
        &config,
        format!(
            r#"{{"tokens": [{{"token": "{DEMO_ONLY}", "projects": ["demo"], "expires": "2999-01-01T00:00:00Z"}},
                            {{"token": "{OTHER_ONLY}", "projects": ["other"]}},
                            {{"token": "{EXPIRED}", "projects": ["demo"], "expires": "2020-01-01T00:00:00Z"}}]}}"#
        ),
    )
    .unwrap();
    let http = reqwest::Client::new();
    let config_arg = config.to_str().unwrap().to_owned();
    let data_dir = data.clone();
    let running = tokio::task::spawn_blocking(move || {
        run_mudrock(
            &data_dir,
            &["serve", "--addr", "127.0.0.1:0", "--auth-config", &config_arg],
            &[],
        )
    })
    .await
    .unwrap();
    assert!(running.token.is_none(), "configured tokens: none made up");
    let wells = format!("{}/v1/projects/demo/wells", running.url);
    assert_eq!(
        http.get(&wells)
            .bearer_auth(DEMO_ONLY)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        http.get(&wells)
            .bearer_auth(OTHER_ONLY)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        http.get(&wells).bearer_auth(ADMIN).send().await.unwrap().status(),
        401
    );
    // A token past its `expires` opens nothing, and says why.
    let r = http.get(&wells).bearer_auth(EXPIRED).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let said = r.text().await.unwrap();
    assert!(
        said.contains("this token expired at 2020-01-01T00:00:00Z"),
        "{said}"
    );
    let (status, _) = tokio::task::spawn_blocking(move || running.terminate())
        .await
        .unwrap();
    assert!(status.success());

    let env_tokens = format!("{ADMIN}=*");
    let running = tokio::task::spawn_blocking(move || {
        run_mudrock(
            &data,
            &["serve", "--addr", "127.0.0.1:0"],
            &[("MUDROCK_TOKENS", &env_tokens)],
        )
    })
    .await
    .unwrap();
    let wells = format!("{}/v1/projects/demo/wells", running.url);
    assert_eq!(
        http.get(&wells).bearer_auth(ADMIN).send().await.unwrap().status(),
        200
    );
    let (status, _) = tokio::task::spawn_blocking(move || running.terminate())
        .await
        .unwrap();
    assert!(status.success());

    // A broken config: the server refuses to start and says why.
    std::fs::write(
        &config,
        r#"{"tokens": [{"token": "short", "projects": ["demo"]}]}"#,
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mudrock"))
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .args(["serve", "--addr", "127.0.0.1:0", "--auth-config"])
        .arg(&config)
        .env_remove("MUDROCK_TOKENS")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("at least 16 characters"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trusted_versions_still_see_an_ingest_through_the_server_at_once() {
    let api = Api::start_with(Limits {
        revalidate_after: Duration::from_secs(600),
        ..Limits::default()
    })
    .await;
    assert_eq!(api.json("/v1/projects/demo/wells").await["total"], 6);
    let r = api
        .http
        .post(api.url("/v1/projects/demo/ingest"))
        .bearer_auth(ADMIN)
        .multipart(las_form("s.las", simple_las("SEEN-0001", "SEEN AT ONCE")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(api.json("/v1/projects/demo/wells").await["total"], 7);
    let sql: Table = api
        .sql("demo", "SELECT count(DISTINCT well_id) FROM well_logs")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(sql.rows[0][0], 7);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_storage_gives_no_etags_and_caches_nothing() {
    // OpenDAL's memory backend reports neither ETag nor modification time: a rewrite of the same size
    // could not be told apart, so nothing read from it may be cached or validated.
    let dir = tempfile::tempdir().unwrap();
    let storage = StorageManager::memory().unwrap();
    let ingestor = Ingestor::new(storage.clone(), layout());
    let files = mudrock_store::demo::write_to(&dir.path().join("las")).unwrap();
    ingestor.ingest_files(&project("demo"), &files[..1], |_| {}).await;
    let caches = Arc::new(Caches::open(&CacheConfig::defaults(dir.path()), &storage, &layout()).unwrap());
    let engine = QueryEngine::new(storage, layout());
    let tokens = Tokens::new().with(ADMIN, Scope::All).unwrap();
    let service = Service::new(ingestor, engine, caches, Limits::default()).unwrap();
    let state = ApiState::new(service, tokens, ApiConfig::default());
    let server = Server::start("127.0.0.1:0".parse().unwrap(), state)
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let get = |path: &str| {
        http.get(format!("{}{path}", server.url()))
            .bearer_auth(ADMIN)
            .send()
    };
    let wells = get("/v1/projects/demo/wells").await.unwrap();
    assert_eq!(wells.status(), 200);
    assert!(wells.headers().get(header::ETAG).is_none());
    let id = wells.json::<Value>().await.unwrap()["wells"][0]["well_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let window = format!("/v1/projects/demo/wells/{id}/logs?curves=GR&depth_max=4100");
    let queries = |text: String| {
        text.lines()
            .find_map(|l| l.strip_prefix("mudrock_api_queries_total "))
            .unwrap()
            .parse::<f64>()
            .unwrap()
    };
    for round in 1..=2 {
        let r = get(&window).await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.headers().get(header::ETAG).is_none());
        let metrics = get("/metrics").await.unwrap().text().await.unwrap();
        assert_eq!(queries(metrics), f64::from(round), "computed every time");
    }
    server.stop().await.unwrap();
}

/// The auth matrix, generated from the OpenAPI document so that a new route cannot be left out: every
/// route × (no token, an unknown token, another project's token, a read token, a write token, an admin
/// token). A token is refused (401 unknown, 403 outside its projects or below the route's access) or let
/// through to the handler (whatever it then answers, never 401/403).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_every_kind_of_token_as_its_access_says() {
    let api = Api::start().await;
    let document = api.json("/v1/openapi.json").await;
    let paths = document["paths"].as_object().expect("the document lists paths");
    let mut checked = 0;
    for (template, item) in paths {
        let path = template
            .replace("{project}", "demo")
            .replace("{well}", LOCATED)
            .replace("{log}", "no-such-log.parquet");
        for method in item.as_object().unwrap().keys() {
            let method = method.to_uppercase();
            let Some(found) = ApiRoute::classify(&method, &path) else {
                panic!("{method} {template} is in the OpenAPI document but not in core's route table");
            };
            let open = found.route == ApiRoute::Health;
            let needed = required_access(found.route);
            let project_route = template.contains("{project}");
            // (token, its projects hold `demo`, its access)
            let tokens: [(Option<&str>, bool, Access); 6] = [
                (None, false, Access::Read),
                (Some("not-a-token-0123456789abcdef"), false, Access::Read),
                (Some(OTHER_ONLY), false, Access::Admin),
                (Some(DEMO_READ), true, Access::Read),
                (Some(DEMO_WRITE), true, Access::Write),
                (Some(ADMIN), true, Access::Admin),
            ];
            for (i, (token, in_scope, access)) in tokens.into_iter().enumerate() {
                let mut request = api
                    .http
                    .request(Method::from_bytes(method.as_bytes()).unwrap(), api.url(&path));
                if let Some(token) = token {
                    request = request.bearer_auth(token);
                }
                request = match found.route {
                    ApiRoute::Sql => request.json(&json!({ "sql": "SELECT 1" })),
                    ApiRoute::PolygonSearch => {
                        request.json(&json!({ "polygon": "POLYGON((0 0, 1 0, 1 1, 0 0))" }))
                    }
                    _ => request,
                };
                let status = request.send().await.unwrap().status().as_u16();
                let expected_refusal = if open {
                    None
                } else if i < 2 {
                    Some(401)
                } else if (project_route && !in_scope) || access < needed {
                    Some(403)
                } else {
                    None
                };
                match expected_refusal {
                    Some(code) => assert_eq!(status, code, "{method} {template} with token #{i}"),
                    None => assert!(
                        status != 401 && status != 403,
                        "{method} {template} with token #{i}: {status}"
                    ),
                }
                checked += 1;
            }
        }
    }
    // Every route of the server's table was in the document (13 routes, HEAD included: 14).
    assert_eq!(checked, 14 * 6);
    // What a read token cannot do says why.
    let r = api
        .http
        .post(api.url("/v1/projects/demo/ingest"))
        .bearer_auth(DEMO_READ)
        .multipart(las_form("a.las", simple_las("UWI-R", "Read Only")))
        .send()
        .await
        .unwrap();
    let e = expect_error(r, 403, ErrorCode::Forbidden).await;
    assert!(e.error.message.contains("read access"), "{}", e.error.message);
    assert_eq!(e.error.details["needed"], "write");
}
