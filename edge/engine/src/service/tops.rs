//! A well's formation tops, from `wells/{well}/markers/tops.parquet` (see `mudrock_store::catalog::tops`).
//! A known well with no tops object has an empty list; an unknown well is `NotFound`, as for its curves.
//! The key is the catalogs' versions (the well exists) with the tops object's version, so new picks or a
//! re-ingest change it — known before anything is decoded.

use mudrock_core::cache::{CacheKey, VersionSet};
use mudrock_core::layout::WellId;
use mudrock_shared::tops::TopList;
use mudrock_store::catalog::tops;
use mudrock_store::storage::ObjectMeta;

use super::{Project, object_version};
use mudrock_common::error::{ErrorKind, Result};

/// A well's tops, located and keyed, not read yet.
pub struct PlannedTops {
    project: Project,
    well: WellId,
    path: String,
    /// The tops object, when the well has one.
    object: Option<ObjectMeta>,
    catalog_versions: VersionSet,
    key: Option<CacheKey>,
}

impl PlannedTops {
    /// The answer's key (the server's ETag); `None` when the versions cannot prove a change.
    pub fn key(&self) -> Option<&CacheKey> {
        self.key.as_ref()
    }

    /// Reads the tops (an empty list for a well without any); `NotFound` for a well the project lacks.
    pub async fn run(self) -> Result<TopList> {
        self.project
            .catalog_at(self.catalog_versions)
            .await?
            .well(&self.well)?;
        match self.object {
            Some(_) => {
                let bytes = self.project.service().storage().download(&self.path).await?;
                Ok(tops::decode(&self.well, bytes)?)
            }
            None => Ok(TopList::empty(self.well.as_str())),
        }
    }
}

impl Project {
    /// Locates `well`'s tops object and keys the answer; nothing is decoded yet.
    pub async fn plan_tops(&self, well: WellId) -> Result<PlannedTops> {
        let service = self.service();
        let path = tops::tops_path(service.layout(), self.id(), &well)?;
        let catalog_versions = self.existing_versions().await?;
        let object = match service.storage().stat(&path).await {
            Ok(meta) => Some(meta),
            Err(e) if e.kind() == ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        let mut versions = catalog_versions.clone();
        if let Some(meta) = &object {
            versions.insert(object_version(meta));
        }
        let key = self.answer_key("wells.tops", &well.as_str(), &versions);
        Ok(PlannedTops {
            project: self.clone(),
            well,
            path,
            object,
            catalog_versions,
            key,
        })
    }
}
