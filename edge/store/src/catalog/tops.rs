//! A well's formation tops: the object's path and encoding are shared with the edge worker
//! (`mudrock_common::catalog::tops`); writing it is the server's.

pub use mudrock_common::catalog::tops::*;

use mudrock_core::layout::{Layout, ProjectId, WellId};
use mudrock_shared::tops::TopList;

use crate::error::Result;
use crate::storage::StorageManager;

/// Replaces a well's tops (the edge worker only reads them, with [`tops_path`] and [`decode`]).
pub async fn write(
    storage: &StorageManager,
    layout: &Layout,
    project: &ProjectId,
    well: &WellId,
    list: &TopList,
) -> Result<String> {
    let path = tops_path(layout, project, well)?;
    storage.upload(&path, encode(list)?).await?;
    Ok(path)
}
