//! The edge worker's entry point: workers-rs calls `fetch` for every request; everything it does lives in
//! `mudrock_edge::worker`, next to the native server it mirrors. Empty on native targets (the workspace
//! builds every member natively).
#![cfg(target_arch = "wasm32")]

use worker::{Context, Env, Request, Response, Result, event};

#[event(fetch)]
async fn fetch(request: Request, env: Env, ctx: Context) -> Result<Response> {
    mudrock_edge::worker::fetch(request, env, ctx).await
}
