//! The bucket binding: catalog and log objects in the backend's object layout, with the versions they were
//! read at (the R2 ETag, which changes with every write of an object).
//!
//! Decoded catalogs are kept per isolate for the versions they were read at, like the native server's
//! `api::catalogs`: a request stats the three catalog objects (metadata only) and decodes them again only
//! when one changed.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use mudrock_core::cache::{Version, VersionSet};
use mudrock_core::layout::{CatalogType, ProjectId};
use mudrock_shared::ErrorCode;
use worker::{Bucket, Object, Range};

use mudrock_common::catalog::Catalog;
use mudrock_common::http::error::ApiError;
use mudrock_common::http::project_catalog::ProjectCatalog;

/// The catalogs, wells first: a project exists when its wells catalog does.
const CATALOGS: [CatalogType; 3] = [CatalogType::Wells, CatalogType::Logs, CatalogType::Curves];

thread_local! {
    /// Decoded catalogs by project, at the versions they were read at (workers run one thread per isolate).
    static DECODED: RefCell<HashMap<ProjectId, ProjectCatalog>> = RefCell::new(HashMap::new());
}

/// The bucket failed (not: the object is missing): 503, retryable.
pub fn unavailable(what: &str, err: worker::Error) -> ApiError {
    ApiError::from(
        mudrock_common::Error::new(
            mudrock_common::ErrorKind::Unavailable,
            format!("the edge could not read {what} from its bucket"),
        )
        .with_retryable(true)
        .with_context("cause", err.to_string()),
    )
}

/// The version of an object as the bucket reports it.
pub fn version(path: &str, object: &Object) -> Version {
    Version::Object {
        path: path.to_owned(),
        size: object.size(),
        etag: Some(object.http_etag()),
        last_modified_ns: None,
    }
}

pub async fn head(bucket: &Bucket, path: &str) -> Result<Option<Object>, ApiError> {
    bucket.head(path).await.map_err(|e| unavailable(path, e))
}

/// The versions of the project's catalog objects; `None` when it has no wells catalog.
pub async fn catalog_versions(
    bucket: &Bucket,
    layout: &mudrock_core::layout::Layout,
    project: &ProjectId,
) -> Result<Option<VersionSet>, ApiError> {
    let mut versions = VersionSet::new();
    for kind in CATALOGS {
        let path = layout.catalog(project, kind);
        match head(bucket, &path).await? {
            Some(object) => {
                versions.insert(version(&path, &object));
            }
            None if kind == CatalogType::Wells => return Ok(None),
            None => {}
        }
    }
    Ok(Some(versions))
}

/// The project's catalogs. `versions` are the ones just seen; the objects are read with the condition
/// that they still have them, so the rows always match the versions (and so the cache key) they are
/// served under. A writer replacing an object in between makes this a 409 `conflict` to retry.
pub async fn load_catalog(
    bucket: &Bucket,
    layout: &mudrock_core::layout::Layout,
    project: &ProjectId,
    versions: &VersionSet,
) -> Result<ProjectCatalog, ApiError> {
    let memo = DECODED.with(|d| {
        d.borrow()
            .get(project)
            .filter(|c| &c.versions == versions)
            .cloned()
    });
    if let Some(catalog) = memo {
        return Ok(catalog);
    }
    let mut catalog = Catalog::default();
    for kind in CATALOGS {
        let path = layout.catalog(project, kind);
        let Some(object) = bucket
            .get(&path)
            .execute()
            .await
            .map_err(|e| unavailable(&path, e))?
        else {
            if kind == CatalogType::Wells {
                return Err(changed_meanwhile(&path));
            }
            continue;
        };
        if !versions.iter().any(|v| v == &version(&path, &object)) {
            return Err(changed_meanwhile(&path));
        }
        let bytes = body(&object, &path).await?;
        catalog
            .decode_object(kind, Bytes::from(bytes))
            .map_err(|e| ApiError::from(e.with_context("catalog", &path)))?;
    }
    let catalog = ProjectCatalog::new(project.clone(), Arc::new(catalog), versions.clone());
    DECODED.with(|d| d.borrow_mut().insert(project.clone(), catalog.clone()));
    Ok(catalog)
}

/// `length` bytes of an object from `offset`, which must still be at `expected` (else 409).
pub async fn read_range(
    bucket: &Bucket,
    path: &str,
    offset: u64,
    length: u64,
    expected: &Version,
) -> Result<Vec<u8>, ApiError> {
    if length == 0 {
        return Ok(Vec::new());
    }
    let object = bucket
        .get(path)
        .range(Range::OffsetWithLength { offset, length })
        .execute()
        .await
        .map_err(|e| unavailable(path, e))?
        .ok_or_else(|| changed_meanwhile(path))?;
    if &version(path, &object) != expected {
        return Err(changed_meanwhile(path));
    }
    body(&object, path).await
}

async fn body(object: &Object, path: &str) -> Result<Vec<u8>, ApiError> {
    match object.body() {
        Some(body) => body.bytes().await.map_err(|e| unavailable(path, e)),
        None => Ok(Vec::new()),
    }
}

fn changed_meanwhile(path: &str) -> ApiError {
    ApiError::new(
        ErrorCode::Conflict,
        "the data changed while this request read it (a new ingest landed): send the request again",
    )
    .with_detail("object", path)
}
