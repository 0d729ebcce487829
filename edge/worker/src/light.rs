//! The light routes, answered at the edge from the bucket: projects, wells, one well, curves, polygon
//! search (the native server's own computations, `http::wells`), and a log's Parquet object whole or by
//! byte range. Each answer's ETag is the cache key of the request over the versions it read, so
//! `If-None-Match` is a 304 before any object body is read, and the edge cache replays answers by key.

use mudrock_core::cache::{ApiRoute, CacheKey, RouteMatch, VersionSet};
use mudrock_core::layout::{LogId, ProjectId};
use mudrock_shared::{PolygonSearchRequest, Project, ProjectList, WellListQuery};
use serde::Serialize;
use worker::{Headers, Method, Request, Response};

use super::config::EdgeConfig;
use super::{SERVED_BY, admin, bucket, cache, is_read, respond};
use mudrock_common::http::canonical;
use mudrock_common::http::error::{ApiError, ApiResult};
use mudrock_common::http::project_catalog::{ProjectCatalog, no_such_project, project_id, well_id};
use mudrock_common::http::range::{self, Wanted};
use mudrock_common::http::tokens::{Principal, Scope};
use mudrock_common::http::wells::{self as views, PolygonSearch, WellList};

pub async fn answer(
    request: &Request,
    method: &Method,
    matched: &RouteMatch<'_>,
    principal: &Principal,
    config: &EdgeConfig,
) -> ApiResult<Response> {
    let project = || project_id(matched.project.unwrap_or_default());
    let well = || well_id(matched.well.unwrap_or_default());
    match matched.route {
        ApiRoute::ListProjects => projects(principal, config).await,
        ApiRoute::ListWells => {
            let q: WellListQuery = request
                .query()
                .map_err(|e| ApiError::bad_request(format!("invalid query string: {e}")))?;
            let list = WellList::new(&q)?;
            from_catalogs(request, config, &project()?, "wells.list", &q, |c| {
                Ok(list.page(c))
            })
            .await
        }
        ApiRoute::GetWell => {
            let id = well()?;
            from_catalogs(request, config, &project()?, "wells.get", &id.as_str(), |c| {
                views::get(c, &id)
            })
            .await
        }
        ApiRoute::ListCurves => {
            let id = well()?;
            from_catalogs(request, config, &project()?, "wells.curves", &id.as_str(), |c| {
                views::curves(c, &id)
            })
            .await
        }
        ApiRoute::PolygonSearch => {
            let body = request_json::<PolygonSearchRequest>(request).await?;
            let search = PolygonSearch::new(&body)?;
            from_catalogs(request, config, &project()?, "wells.search", &search.text, |c| {
                search.run(c)
            })
            .await
        }
        ApiRoute::ListTops => tops(request, config, &project()?, &well()?).await,
        ApiRoute::ParquetObject => {
            let log_text = matched.log.unwrap_or_default();
            let log = LogId::new(log_text).map_err(|e| {
                ApiError::bad_request(format!("invalid log id `{log_text}`: {e}"))
                    .with_detail("log", log_text)
            })?;
            parquet_object(request, method, config, &project()?, &well()?, &log).await
        }
        // Heavy routes and the edge's own never come here (see `worker::handle`).
        other => Err(ApiError::new(
            mudrock_shared::ErrorCode::Internal,
            format!("the edge has no light answer for {other:?}"),
        )),
    }
}

/// The host part of the request's URL (`scheme://host[:port]`), for edge cache keys.
fn host(request: &Request) -> String {
    request
        .url()
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_else(|_| "https://edge.invalid".to_owned())
}

async fn request_json<T: serde::de::DeserializeOwned>(request: &Request) -> ApiResult<T> {
    // The body is read from a clone: `request` stays whole for the caller.
    let mut copy = request
        .clone()
        .map_err(|e| ApiError::bad_request(format!("cannot read the request body: {e}")))?;
    let text = copy
        .text()
        .await
        .map_err(|e| ApiError::bad_request(format!("cannot read the request body: {e}")))?;
    serde_json::from_str(&text).map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))
}

/// `GET /v1/projects`: the projects the token may read that have a wells catalog in the bucket.
async fn projects(principal: &Principal, config: &EdgeConfig) -> ApiResult<Response> {
    let candidates: Vec<String> = match principal.scope.as_ref() {
        Scope::Projects(names) => names.iter().cloned().collect(),
        Scope::All => {
            let prefix = match config.layout.prefix() {
                "" => String::new(),
                p => format!("{p}/"),
            };
            let mut names = Vec::new();
            let mut cursor: Option<String> = None;
            // Bounded: 1,000 pages of 1,000 prefixes is far beyond any deployment's project count.
            for _ in 0..1000 {
                let mut list = config.bucket.list().prefix(prefix.clone()).delimiter("/");
                if let Some(c) = cursor.take() {
                    list = list.cursor(c);
                }
                let page = list
                    .execute()
                    .await
                    .map_err(|e| bucket::unavailable("the project list", e))?;
                for p in page.delimited_prefixes() {
                    let name = p.trim_end_matches('/');
                    names.push(name.rsplit('/').next().unwrap_or(name).to_owned());
                }
                match (page.truncated(), page.cursor()) {
                    (true, Some(c)) => cursor = Some(c),
                    _ => break,
                }
            }
            names
        }
    };
    let mut ids = Vec::new();
    for name in candidates {
        if let Ok(id) = ProjectId::new(&name)
            && bucket::catalog_versions(&config.bucket, &config.layout, &id)
                .await?
                .is_some()
        {
            ids.push(id);
        }
    }
    ids.sort();
    ids.dedup();
    admin::count(|c| c.computed += 1);
    respond::json(
        &ProjectList {
            projects: ids
                .into_iter()
                .map(|id| Project {
                    project_id: id.to_string(),
                })
                .collect(),
        },
        None,
    )
}

/// An answer computed from the project's catalogs: 304, an edge-cache hit, or computed and stored.
async fn from_catalogs<R: Serialize, T: Serialize>(
    request: &Request,
    config: &EdgeConfig,
    project: &ProjectId,
    domain: &str,
    canonical_request: &R,
    compute: impl FnOnce(&ProjectCatalog) -> ApiResult<T>,
) -> ApiResult<Response> {
    let versions: VersionSet = bucket::catalog_versions(&config.bucket, &config.layout, project)
        .await?
        .ok_or_else(|| no_such_project(project))?;
    let key = CacheKey::new(
        domain,
        &canonical(&(project.as_str(), canonical_request)),
        &versions,
    );
    keyed_json(request, config, &key, async || {
        let catalog = bucket::load_catalog(&config.bucket, &config.layout, project, &versions).await?;
        compute(&catalog)
    })
    .await
}

/// The JSON answer under `key` (which covers every version it reads): 304 when the caller has it, the edge
/// cache's copy when there is one, else computed, counted and stored.
async fn keyed_json<T: Serialize>(
    request: &Request,
    config: &EdgeConfig,
    key: &CacheKey,
    compute: impl AsyncFnOnce() -> ApiResult<T>,
) -> ApiResult<Response> {
    if respond::if_none_match(request, key) {
        admin::count(|c| c.not_modified += 1);
        return Ok(respond::not_modified(key));
    }
    let host = host(request);
    if config.cache
        && let Some(hit) = cache::get(&host, key).await
    {
        return Ok(respond::bytes(
            hit.body,
            &hit.content_type,
            Some(key),
            "edge-cache",
        ));
    }
    let body = mudrock_common::http::encode_json(&compute().await?)?;
    admin::count(|c| c.computed += 1);
    if config.cache {
        cache::put(&host, key, &body, mudrock_shared::media::JSON).await;
    }
    Ok(respond::bytes(
        body,
        mudrock_shared::media::JSON,
        Some(key),
        "edge",
    ))
}

/// `GET …/wells/{well}/tops`: the well's tops object (`catalog::tops`), keyed like the native route on the
/// catalog versions and the tops object's version; a known well without tops has an empty list.
async fn tops(
    request: &Request,
    config: &EdgeConfig,
    project: &ProjectId,
    well: &mudrock_core::layout::WellId,
) -> ApiResult<Response> {
    let path =
        mudrock_common::catalog::tops::tops_path(&config.layout, project, well).map_err(ApiError::from)?;
    let catalog_versions = bucket::catalog_versions(&config.bucket, &config.layout, project)
        .await?
        .ok_or_else(|| no_such_project(project))?;
    let object = bucket::head(&config.bucket, &path).await?;
    let mut versions = catalog_versions.clone();
    let tops_version = object.as_ref().map(|o| bucket::version(&path, o));
    if let Some(v) = &tops_version {
        versions.insert(v.clone());
    }
    let key = CacheKey::new(
        "wells.tops",
        &canonical(&(project.as_str(), well.as_str())),
        &versions,
    );
    keyed_json(request, config, &key, async || {
        // 404 for a well the project does not have.
        bucket::load_catalog(&config.bucket, &config.layout, project, &catalog_versions)
            .await?
            .well(well)?;
        match (&object, &tops_version) {
            (Some(o), Some(v)) => {
                let bytes = bucket::read_range(&config.bucket, &path, 0, o.size(), v).await?;
                mudrock_common::catalog::tops::decode(well, bytes::Bytes::from(bytes)).map_err(ApiError::from)
            }
            _ => Ok(mudrock_shared::tops::TopList::empty(well.as_str())),
        }
    })
    .await
}

/// `GET|HEAD …/logs/{log}.parquet`: the stored object, whole or one byte range, with the same headers and
/// refusals as the native server (`api::routes::objects`, `http::range`).
async fn parquet_object(
    request: &Request,
    method: &Method,
    config: &EdgeConfig,
    project: &ProjectId,
    well: &mudrock_core::layout::WellId,
    log: &LogId,
) -> ApiResult<Response> {
    let path = config.layout.well_log(project, well, log);
    let object = bucket::head(&config.bucket, &path).await?.ok_or_else(|| {
        ApiError::not_found(format!(
            "well `{well}` of project `{project}` has no log `{log}`: the well's curves list its log ids"
        ))
        .with_detail("log", log.as_str())
    })?;
    let version = bucket::version(&path, &object);
    let size = object.size();
    let versions: VersionSet = [version.clone()].into_iter().collect();
    let key = CacheKey::new("parquet_object", path.as_bytes(), &versions);
    if respond::if_none_match(request, &key) {
        admin::count(|c| c.not_modified += 1);
        return Ok(respond::not_modified(&key));
    }
    let header = |name: &str| request.headers().get(name).ok().flatten();
    let if_range_holds = header("if-range").is_none_or(|v| v.trim() == key.etag());
    let range_header = header("range");
    let wanted = if if_range_holds {
        range::parse(range_header.as_deref(), size)?
    } else {
        Wanted::Full
    };
    let (status, range) = match &wanted {
        Wanted::Full => (200, 0..size),
        Wanted::Part(r) => (206, r.clone()),
    };
    let headers = Headers::new();
    let _ = headers.set("content-type", mudrock_shared::media::PARQUET);
    let _ = headers.set("accept-ranges", "bytes");
    if status == 206 {
        let _ = headers.set(
            "content-range",
            &format!("bytes {}-{}/{size}", range.start, range.end.saturating_sub(1)),
        );
    }
    respond::set_validators(&headers, &key);
    if !is_read(method) || *method == Method::Head {
        let _ = headers.set("content-length", &(range.end - range.start).to_string());
        let _ = headers.set(SERVED_BY, "edge");
        return Ok(Response::builder()
            .with_status(status)
            .with_headers(headers)
            .empty());
    }
    // One cache entry per (object version, byte range): a Parquet reader asks for the same footer and
    // column chunks again and again.
    let range_key = CacheKey::new(
        "parquet_object.range",
        format!("{path}\n{}-{}", range.start, range.end).as_bytes(),
        &versions,
    );
    let host = host(request);
    let (body, served_by) = match config.cache {
        true => match cache::get(&host, &range_key).await {
            Some(hit) => (hit.body, "edge-cache"),
            None => (Vec::new(), ""),
        },
        false => (Vec::new(), ""),
    };
    let (body, served_by) = if served_by.is_empty() {
        let bytes = bucket::read_range(
            &config.bucket,
            &path,
            range.start,
            range.end - range.start,
            &version,
        )
        .await?;
        admin::count(|c| c.computed += 1);
        if config.cache {
            cache::put(&host, &range_key, &bytes, mudrock_shared::media::PARQUET).await;
        }
        (bytes, "edge")
    } else {
        (body, served_by)
    };
    let _ = headers.set(SERVED_BY, served_by);
    Ok(Response::builder()
        .with_status(status)
        .with_headers(headers)
        .fixed(body))
}
