//! `GET /healthz`: up or not, no token needed (load balancers and `mudrock serve` scripts poll it).

use axum::Json;
use mudrock_shared::Health;

pub async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        api_version: mudrock_shared::API_VERSION.to_owned(),
    })
}
