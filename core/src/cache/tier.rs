//! Which tier may answer what: the one light/heavy rule shared by the browser, the edge worker and the
//! native backend.

use serde::{Deserialize, Serialize};

/// Where a response can come from, nearest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// The browser's in-memory cache (and its offline store).
    BrowserL1,
    /// The edge worker and its cache.
    Edge,
    /// The native backend (`mudrock serve`): the query engine, writes, time travel.
    Backend,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::BrowserL1, Tier::Edge, Tier::Backend];

    /// Whether this tier may compute (not just replay from cache) a response of this weight: every
    /// tier computes light responses, only the backend computes heavy ones.
    pub fn computes(self, weight: Weight) -> bool {
        match weight {
            Weight::Light => true,
            Weight::Heavy => self == Tier::Backend,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::BrowserL1 => "browser_l1",
            Tier::Edge => "edge",
            Tier::Backend => "backend",
        }
    }
}

/// How much work a request is (see [`ApiRoute::weight`] for the rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weight {
    Light,
    Heavy,
}

/// The HTTP routes (`/v1` and the two outside it), by what they do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiRoute {
    /// `GET /v1/projects`
    ListProjects,
    /// `GET /v1/projects/{p}/wells`
    ListWells,
    /// `GET /v1/projects/{p}/wells/{w}`
    GetWell,
    /// `POST /v1/projects/{p}/wells/search` (a polygon)
    PolygonSearch,
    /// `GET /v1/projects/{p}/wells/{w}/curves`
    ListCurves,
    /// `GET /v1/projects/{p}/wells/{w}/tops` (formation tops, a small per-well object)
    ListTops,
    /// `GET /v1/projects/{p}/wells/{w}/logs?curves=…&depth_min=…&depth_max=…&max_points=…`
    LogWindow,
    /// `GET|HEAD /v1/projects/{p}/wells/{w}/logs/{log}.parquet` (byte ranges)
    ParquetObject,
    /// `POST /v1/projects/{p}/sql`
    Sql,
    /// `POST /v1/projects/{p}/ingest` (multipart LAS)
    Ingest,
    /// `GET /v1/openapi.json`
    OpenApi,
    /// `GET /metrics`
    Metrics,
    /// `GET /healthz`
    Health,
}

/// A classified request: the route and the path parameters it carried (as they appeared in the path;
/// percent-decoding and validation are the caller's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteMatch<'a> {
    pub route: ApiRoute,
    pub project: Option<&'a str>,
    pub well: Option<&'a str>,
    pub log: Option<&'a str>,
}

impl ApiRoute {
    pub const ALL: [ApiRoute; 13] = [
        ApiRoute::ListProjects,
        ApiRoute::ListWells,
        ApiRoute::GetWell,
        ApiRoute::PolygonSearch,
        ApiRoute::ListCurves,
        ApiRoute::ListTops,
        ApiRoute::LogWindow,
        ApiRoute::ParquetObject,
        ApiRoute::Sql,
        ApiRoute::Ingest,
        ApiRoute::OpenApi,
        ApiRoute::Metrics,
        ApiRoute::Health,
    ];

    /// The rule: a request is **light** when it is answered from catalog objects (wells, logs, curves
    /// — small Parquet objects read whole) or from raw object bytes (a byte range of a stored log), with
    /// no SQL; any tier can compute it, so the browser and the edge answer it without the backend.
    /// It is **heavy** when it needs the query engine (SQL, or a log window cut by depth and curves,
    /// which the backend runs as SQL), writes (ingest), or reads the past (time travel: see
    /// [`ApiRoute::weight_at`]); only the backend computes it, though any tier may replay a cached heavy
    /// response under its [`super::CacheKey`].
    ///
    /// Polygon search is light: it reads the wells catalog and tests points in core (`spatial`).
    /// The browser gets a log window the light way by reading the Parquet object's ranges itself.
    pub fn weight(self) -> Weight {
        match self {
            ApiRoute::ListProjects
            | ApiRoute::ListWells
            | ApiRoute::GetWell
            | ApiRoute::PolygonSearch
            | ApiRoute::ListCurves
            | ApiRoute::ListTops
            | ApiRoute::ParquetObject
            | ApiRoute::OpenApi
            | ApiRoute::Metrics
            | ApiRoute::Health => Weight::Light,
            ApiRoute::LogWindow | ApiRoute::Sql | ApiRoute::Ingest => Weight::Heavy,
        }
    }

    /// The weight of a request that may name a past snapshot or timestamp: reading the past is heavy
    /// whatever the route (only the backend has the table history).
    pub fn weight_at(self, time_travel: bool) -> Weight {
        if time_travel { Weight::Heavy } else { self.weight() }
    }

    /// Whether responses may be stored in a cache under a [`super::CacheKey`]: everything that only
    /// reads project data. Not writes, and not the process's own state (metrics, health).
    pub fn cacheable(self) -> bool {
        !matches!(self, ApiRoute::Ingest | ApiRoute::Metrics | ApiRoute::Health)
    }

    /// The HTTP method (`ParquetObject` also answers `HEAD`).
    pub fn method(self) -> &'static str {
        match self {
            ApiRoute::PolygonSearch | ApiRoute::Sql | ApiRoute::Ingest => "POST",
            _ => "GET",
        }
    }

    /// The path template, parameters in braces (axum 0.8 syntax). `ParquetObject`'s `{log}` segment is
    /// `{log_id}.parquet`: axum cannot match a parameter with a suffix, so the handler strips it.
    pub fn path(self) -> &'static str {
        match self {
            ApiRoute::ListProjects => "/v1/projects",
            ApiRoute::ListWells => "/v1/projects/{project}/wells",
            ApiRoute::GetWell => "/v1/projects/{project}/wells/{well}",
            ApiRoute::PolygonSearch => "/v1/projects/{project}/wells/search",
            ApiRoute::ListCurves => "/v1/projects/{project}/wells/{well}/curves",
            ApiRoute::ListTops => "/v1/projects/{project}/wells/{well}/tops",
            ApiRoute::LogWindow => "/v1/projects/{project}/wells/{well}/logs",
            ApiRoute::ParquetObject => "/v1/projects/{project}/wells/{well}/logs/{log}",
            ApiRoute::Sql => "/v1/projects/{project}/sql",
            ApiRoute::Ingest => "/v1/projects/{project}/ingest",
            ApiRoute::OpenApi => "/v1/openapi.json",
            ApiRoute::Metrics => "/metrics",
            ApiRoute::Health => "/healthz",
        }
    }

    /// Classifies a request by method and path (without query string); `None` for anything that is not
    /// one of the routes. `HEAD` is accepted wherever `GET` is.
    pub fn classify<'a>(method: &str, path: &'a str) -> Option<RouteMatch<'a>> {
        let get = method.eq_ignore_ascii_case("GET") || method.eq_ignore_ascii_case("HEAD");
        let post = method.eq_ignore_ascii_case("POST");
        let segments: Vec<&str> = path.strip_prefix('/')?.split('/').collect();
        let m = |route, project, well, log| {
            Some(RouteMatch {
                route,
                project,
                well,
                log,
            })
        };
        let nonempty = |s: &'a str| (!s.is_empty()).then_some(s);
        match segments.as_slice() {
            ["healthz"] if get => m(ApiRoute::Health, None, None, None),
            ["metrics"] if get => m(ApiRoute::Metrics, None, None, None),
            ["v1", "openapi.json"] if get => m(ApiRoute::OpenApi, None, None, None),
            ["v1", "projects"] if get => m(ApiRoute::ListProjects, None, None, None),
            ["v1", "projects", p, rest @ ..] => {
                let p = nonempty(p)?;
                match rest {
                    ["wells"] if get => m(ApiRoute::ListWells, Some(p), None, None),
                    ["wells", "search"] if post => m(ApiRoute::PolygonSearch, Some(p), None, None),
                    ["sql"] if post => m(ApiRoute::Sql, Some(p), None, None),
                    ["ingest"] if post => m(ApiRoute::Ingest, Some(p), None, None),
                    ["wells", w, tail @ ..] if get => {
                        let w = nonempty(w)?;
                        match tail {
                            [] => m(ApiRoute::GetWell, Some(p), Some(w), None),
                            ["curves"] => m(ApiRoute::ListCurves, Some(p), Some(w), None),
                            ["tops"] => m(ApiRoute::ListTops, Some(p), Some(w), None),
                            ["logs"] => m(ApiRoute::LogWindow, Some(p), Some(w), None),
                            ["logs", file] => {
                                let log = nonempty(file.strip_suffix(".parquet")?)?;
                                m(ApiRoute::ParquetObject, Some(p), Some(w), Some(log))
                            }
                            _ => None,
                        }
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn the_rule() {
        use ApiRoute::*;
        for r in [
            ListProjects,
            ListWells,
            GetWell,
            PolygonSearch,
            ListCurves,
            ListTops,
            ParquetObject,
        ] {
            assert_eq!(r.weight(), Weight::Light, "{r:?}");
            assert_eq!(r.weight_at(true), Weight::Heavy, "{r:?} in the past");
            assert!(r.cacheable());
        }
        for r in [LogWindow, Sql, Ingest] {
            assert_eq!(r.weight(), Weight::Heavy, "{r:?}");
        }
        assert!(!Ingest.cacheable() && !Metrics.cacheable() && !Health.cacheable());
        assert!(Tier::ALL.iter().all(|t| t.computes(Weight::Light)));
        assert_eq!(
            Tier::ALL
                .into_iter()
                .filter(|t| t.computes(Weight::Heavy))
                .collect::<Vec<_>>(),
            [Tier::Backend]
        );
    }

    #[test]
    fn every_route_classifies_its_own_template() {
        for r in ApiRoute::ALL {
            let path = r
                .path()
                .replace("{project}", "p1")
                .replace("{well}", "w1")
                .replace("{log}", "l1.parquet");
            let got = ApiRoute::classify(r.method(), &path).map(|m| m.route);
            assert_eq!(got, Some(r), "{path}");
        }
    }

    #[test]
    fn classify_parameters_and_misses() {
        let m = ApiRoute::classify("HEAD", "/v1/projects/p/wells/w/logs/l.parquet").expect("route");
        assert_eq!(
            (m.route, m.project, m.well, m.log),
            (ApiRoute::ParquetObject, Some("p"), Some("w"), Some("l"))
        );
        let m = ApiRoute::classify("GET", "/v1/projects/p/wells/search").expect("route");
        assert_eq!((m.route, m.well), (ApiRoute::GetWell, Some("search")));
        for (method, path) in [
            ("GET", "/v1/projects/p/sql"),
            ("POST", "/v1/projects/p/wells"),
            ("GET", "/v1/projects//wells"),
            ("GET", "/v1/projects/p/wells/w/logs/l.csv"),
            ("GET", "/v1/projects/p/wells/w/logs/.parquet"),
            ("GET", "/v1/projects/p/wells/w/extra/x"),
            ("GET", "v1/projects"),
            ("DELETE", "/v1/projects"),
        ] {
            assert_eq!(ApiRoute::classify(method, path), None, "{method} {path}");
        }
    }
}
