//! The object store registry of a project's session: exactly one store, the project's.
//!
//! DataFusion's default registry answers `file://` with the local file system. A project's session must
//! reach nothing but its own objects, so its registry knows one URL (`mudrock://{project}`) and refuses
//! every other one, including `file://`, and refuses new registrations.

use std::sync::Arc;

use datafusion::common::{DataFusionError, Result as DfResult};
use datafusion::execution::object_store::{ObjectStoreRegistry, ObjectStoreUrl};
use object_store::ObjectStore;
use url::Url;

/// A registry holding one object store under one URL.
#[derive(Debug)]
pub(crate) struct SingleStoreRegistry {
    url: ObjectStoreUrl,
    store: Arc<dyn ObjectStore>,
}

impl SingleStoreRegistry {
    pub(crate) fn new(url: ObjectStoreUrl, store: Arc<dyn ObjectStore>) -> Self {
        SingleStoreRegistry { url, store }
    }

    fn matches(&self, url: &Url) -> bool {
        let own: &Url = self.url.as_ref();
        url.scheme() == own.scheme() && url.host_str() == own.host_str() && url.port() == own.port()
    }
}

impl ObjectStoreRegistry for SingleStoreRegistry {
    fn register_store(&self, url: &Url, _store: Arc<dyn ObjectStore>) -> Option<Arc<dyn ObjectStore>> {
        // The trait gives no way to refuse; the store is simply not kept, so a later `get_store` for that
        // URL still fails. Nothing in MudRock registers stores after the session is built.
        let _ = url;
        None
    }

    fn deregister_store(&self, url: &Url) -> DfResult<Arc<dyn ObjectStore>> {
        Err(DataFusionError::Plan(format!(
            "the object store for {url} cannot be removed from a project's session"
        )))
    }

    fn get_store(&self, url: &Url) -> DfResult<Arc<dyn ObjectStore>> {
        if self.matches(url) {
            Ok(Arc::clone(&self.store))
        } else {
            Err(DataFusionError::Plan(format!(
                "{url} is outside this project: a query reads only its project's tables"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_projects_url_resolves() {
        let store: Arc<dyn ObjectStore> = Arc::new(object_store_opendal::OpendalStore::new(
            opendal::Operator::new(opendal::services::Memory::default())
                .unwrap()
                .finish(),
        ));
        let url = ObjectStoreUrl::parse("mudrock://north-sea").unwrap();
        let registry = SingleStoreRegistry::new(url, Arc::clone(&store));
        assert!(
            registry
                .get_store(&Url::parse("mudrock://north-sea/a/b.parquet").unwrap())
                .is_ok()
        );
        for other in ["file:///etc/passwd", "mudrock://other/x", "s3://north-sea/x"] {
            assert!(
                registry.get_store(&Url::parse(other).unwrap()).is_err(),
                "{other}"
            );
        }
        registry.register_store(&Url::parse("file:///").unwrap(), store);
        assert!(
            registry
                .get_store(&Url::parse("file:///etc/passwd").unwrap())
                .is_err()
        );
    }
}
