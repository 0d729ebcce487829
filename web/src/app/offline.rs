//! Pinning a well for offline use: its Parquet objects, curves, tops and lists into Cache Storage.

use super::*;

/// Stores the well for offline use in Cache Storage: every log's Parquet object, the curve list (its
/// ETag is the well's pinned version), the tops, the projects and the wells list.
pub(super) async fn pin_well(project: &str, well: &str, logs: &[String], token: &str) -> Result<(), String> {
    for log in logs {
        let url = log_url(project, well, log);
        let resp = net::fetch(&url, "GET", token, &[], None)
            .await
            .map_err(|e| e.to_string())?;
        net::pin(&url, &resp).await?;
    }
    // Last: the curve list marks the pinned copy complete at its version.
    for u in [
        tops_url(project, well),
        api("/projects"),
        api(&format!("/projects/{project}/wells?limit=1000")),
        curves_url(project, well),
    ] {
        let resp = net::fetch(&u, "GET", token, &[], None)
            .await
            .map_err(|e| e.to_string())?;
        net::pin(&u, &resp).await?;
    }
    Ok(())
}

pub(super) async fn toggle_pin(ui: Ui) {
    let (Some(project), Some(well)) = (ui.project.get_untracked(), ui.selected.get_untracked()) else {
        return;
    };
    let token = ui.token.get_untracked();
    let logs: Vec<String> = ui.logs.get_untracked().into_iter().map(|(l, _)| l).collect();
    if logs.is_empty() {
        return;
    }
    if ui.pinned.get_untracked().contains(&well) {
        for log in &logs {
            let _ = net::unpin(&log_url(&project, &well, log)).await;
        }
        let _ = net::unpin(&curves_url(&project, &well)).await;
        let _ = net::unpin(&tops_url(&project, &well)).await;
        ui.pinned.update(|p| p.retain(|w| *w != well));
        ui.status.set(format!("{well}: unpinned"));
    } else {
        match pin_well(&project, &well, &logs, &token).await {
            Ok(()) => {
                ui.pinned.update(|p| p.push(well.clone()));
                ui.status.set(format!("{well}: pinned for offline"));
            }
            Err(e) => ui.status.set(format!("{well}: pin failed: {e}")),
        }
    }
    net::local_set("mudrock.pinned", &ui.pinned.get_untracked().join(","));
}
