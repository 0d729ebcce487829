//! Loading and saving a project's catalogs through the storage manager (native only).

use std::collections::HashMap;
use std::sync::{Arc, Mutex as StdMutex};

use mudrock_core::layout::{CatalogType, Layout, ProjectId};

use super::Catalog;
use crate::error::{ErrorKind, Result};
use crate::storage::StorageManager;

/// Loads and saves a project's catalogs, one writer per project at a time in this process.
#[derive(Clone)]
pub struct CatalogStore {
    storage: StorageManager,
    layout: Layout,
    locks: Arc<StdMutex<HashMap<ProjectId, Arc<tokio::sync::Mutex<()>>>>>,
}

impl CatalogStore {
    pub fn new(storage: StorageManager, layout: Layout) -> Self {
        CatalogStore {
            storage,
            layout,
            locks: Arc::default(),
        }
    }

    /// The catalogs as stored now; a project with no catalogs yet has empty ones.
    pub async fn load(&self, project: &ProjectId) -> Result<Catalog> {
        let mut catalog = Catalog::default();
        for kind in [CatalogType::Wells, CatalogType::Logs, CatalogType::Curves] {
            let path = self.layout.catalog(project, kind);
            match self.storage.download(&path).await {
                Ok(bytes) => catalog
                    .decode_object(kind, bytes)
                    .map_err(|e| e.with_context("catalog", &path))?,
                Err(e) if e.kind() == ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        Ok(catalog)
    }

    /// Read-modify-write under the project's lock: `change` sees the current catalogs and returns
    /// whether it changed them; only then are they written back (curves, logs, then wells).
    pub async fn update<F>(&self, project: &ProjectId, change: F) -> Result<Catalog>
    where
        F: FnOnce(&mut Catalog) -> bool,
    {
        let lock = self.project_lock(project);
        let _guard = lock.lock().await;
        let mut catalog = self.load(project).await?;
        if change(&mut catalog) {
            for (kind, bytes) in catalog.encode_objects()? {
                let path = self.layout.catalog(project, kind);
                self.storage.upload(&path, bytes).await?;
            }
        }
        Ok(catalog)
    }

    /// Writes `catalog`, a view of the tables, with `metadata` naming what it shows (see
    /// `lakehouse::view`), under the project's lock.
    pub async fn publish(
        &self,
        project: &ProjectId,
        catalog: &Catalog,
        metadata: &[(String, String)],
    ) -> Result<()> {
        let lock = self.project_lock(project);
        let _guard = lock.lock().await;
        for (kind, bytes) in catalog.encode_objects_with(metadata)? {
            let path = self.layout.catalog(project, kind);
            self.storage.upload(&path, bytes).await?;
        }
        Ok(())
    }

    /// The key-value metadata of the stored logs catalog (empty when there is none yet).
    pub async fn logs_metadata(&self, project: &ProjectId) -> Result<HashMap<String, String>> {
        let path = self.layout.catalog(project, CatalogType::Logs);
        match self.storage.download(&path).await {
            Ok(bytes) => super::object_metadata(bytes).map_err(|e| e.with_context("catalog", &path)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(HashMap::new()),
            Err(e) => Err(e),
        }
    }

    fn project_lock(&self, project: &ProjectId) -> Arc<tokio::sync::Mutex<()>> {
        // A poisoned map only means another thread panicked while inserting; the map is still usable.
        let mut locks = self.locks.lock().unwrap_or_else(|e| e.into_inner());
        locks.entry(project.clone()).or_default().clone()
    }
}
