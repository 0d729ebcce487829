//! The OpenAPI 3.1 document at `/v1/openapi.json`, written by hand from the route table (`router::paths`)
//! — a generator (utoipa) would add a proc-macro stack to every build for one JSON file. A test checks
//! that the document lists exactly the routes the router serves, and the API tests call every one.

use axum::Json;
use serde_json::{Value, json};

use crate::router::paths;

pub async fn document() -> Json<Value> {
    Json(spec())
}

fn error_responses(codes: &[u16]) -> Value {
    let mut out = serde_json::Map::new();
    for code in codes {
        let description = match code {
            304 => "Not Modified: the `If-None-Match` ETag is current; nothing was computed",
            400 => {
                "Bad request (see `error.code`: bad_request, invalid_sql, read_only, unknown_curve, invalid_polygon)"
            }
            401 => "No token, or an unknown one",
            403 => "The token does not open this project",
            404 => "No such project, well or log",
            406 => "None of the `Accept` media types can be produced",
            413 => "The upload is larger than the server accepts",
            416 => "The range is outside the object, or several ranges were asked for",
            504 => "The query ran longer than the server's query timeout",
            _ => "Error",
        };
        let value = if *code == 304 {
            json!({ "description": description })
        } else {
            json!({
                "description": description,
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorEnvelope" } } }
            })
        };
        out.insert(code.to_string(), value);
    }
    Value::Object(out)
}

fn responses(ok: Value, errors: &[u16]) -> Value {
    let mut r = error_responses(errors);
    if let (Value::Object(map), Value::Object(ok)) = (&mut r, ok) {
        map.extend(ok);
    }
    r
}

fn path_param(name: &str, description: &str) -> Value {
    json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" }, "description": description })
}

fn query_param(name: &str, kind: &str, description: &str) -> Value {
    json!({ "name": name, "in": "query", "required": false, "schema": { "type": kind }, "description": description })
}

fn json_ok(schema: &str) -> Value {
    json!({ "200": { "description": "OK", "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } } })
}

fn table_ok() -> Value {
    json!({ "200": {
        "description": "The rows, in the format `Accept` asked for",
        "headers": { "x-mudrock-row-limit": { "schema": { "type": "integer" }, "description": "The row limit applied" } },
        "content": {
            "application/json": { "schema": { "$ref": "#/components/schemas/Table" } },
            "application/vnd.apache.arrow.stream": { "schema": { "type": "string", "format": "binary" } },
            "application/vnd.apache.parquet": { "schema": { "type": "string", "format": "binary" } }
        }
    } })
}

/// The document.
pub fn spec() -> Value {
    let project = path_param("project", "Project id");
    let well = path_param("well", "Well id");
    let mut paths_obj = serde_json::Map::new();
    let mut add = |path: &str, method: &str, op: Value| {
        let entry = paths_obj.entry(path.to_owned()).or_insert_with(|| json!({}));
        if let Value::Object(m) = entry {
            m.insert(method.to_owned(), op);
        }
    };

    add(
        paths::HEALTH,
        "get",
        json!({
            "summary": "Liveness; needs no token", "operationId": "health", "security": [],
            "responses": json_ok("Health")
        }),
    );
    add(
        paths::METRICS,
        "get",
        json!({
            "summary": "Cache and API counters in Prometheus text format (any valid token)", "operationId": "metrics",
            "responses": responses(json!({ "200": { "description": "Prometheus text exposition format 0.0.4", "content": { "text/plain": { "schema": { "type": "string" } } } } }), &[401])
        }),
    );
    add(
        paths::OPENAPI,
        "get",
        json!({
            "summary": "This document (any valid token)", "operationId": "openapi",
            "responses": responses(json!({ "200": { "description": "OpenAPI 3.1", "content": { "application/json": {} } } }), &[401])
        }),
    );
    add(
        paths::PROJECTS,
        "get",
        json!({
            "summary": "Projects the token may read", "operationId": "listProjects",
            "responses": responses(json_ok("ProjectList"), &[401])
        }),
    );
    add(
        paths::WELLS,
        "get",
        json!({
            "summary": "Wells of a project, filtered and paged", "operationId": "listWells",
            "parameters": [project, query_param("name", "string", "Case-insensitive substring of the well name"),
                query_param("uwi", "string", "Substring of the UWI or API number"),
                query_param("has_location", "boolean", "Only wells with (true) or without (false) a location"),
                query_param("bbox", "string", "min_lon,min_lat,max_lon,max_lat"),
                query_param("offset", "integer", "Rows to skip"), query_param("limit", "integer", "Rows per page (1..10000, default 100)")],
            "responses": responses(json_ok("WellPage"), &[304, 400, 401, 403, 404])
        }),
    );
    add(
        paths::WELL_SEARCH,
        "post",
        json!({
            "summary": "Wells inside a polygon (GeoJSON or WKT, holes allowed); wells without a location listed apart",
            "operationId": "searchWells", "parameters": [project],
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/PolygonSearchRequest" } } } },
            "responses": responses(json_ok("PolygonSearchResponse"), &[304, 400, 401, 403, 404])
        }),
    );
    add(
        paths::WELL,
        "get",
        json!({
            "summary": "One well", "operationId": "getWell", "parameters": [project, well],
            "responses": responses(json_ok("Well"), &[304, 400, 401, 403, 404])
        }),
    );
    add(
        paths::CURVES,
        "get",
        json!({
            "summary": "Curves of a well's logs", "operationId": "listCurves", "parameters": [project, well],
            "responses": responses(json_ok("CurveList"), &[304, 400, 401, 403, 404])
        }),
    );
    add(
        paths::TOPS,
        "get",
        json!({
            "summary": "Formation tops of a well (empty when none are stored)", "operationId": "listTops", "parameters": [project, well],
            "responses": responses(json_ok("TopList"), &[304, 400, 401, 403, 404])
        }),
    );
    add(
        paths::LOG_WINDOW,
        "get",
        json!({
            "summary": "A depth window of chosen curves of one well, optionally decimated for plotting",
            "operationId": "logWindow",
            "parameters": [project, well, query_param("curves", "string", "Comma-separated mnemonics (all when absent)"),
                query_param("depth_min", "number", "Smallest depth"), query_param("depth_max", "number", "Largest depth"),
                query_param("max_points", "integer", "Decimate (min/max per bucket) to about this many rows")],
            "responses": responses(table_ok(), &[304, 400, 401, 403, 404, 406, 504])
        }),
    );
    let log_object = json!({
        "summary": "The stored Parquet object of one log; single byte ranges (Range: bytes=a-b, bytes=a-, bytes=-n)",
        "description": "`{log_id}.las` or `{log_id}.csv` (or `?format=las|csv`) gives the log back as a LAS 2.0 file (headers, curves and units as ingested) or CSV, as an attachment.",
        "parameters": [project, well, path_param("log", "`{log_id}.parquet`, `{log_id}.las` or `{log_id}.csv`"),
            query_param("format", "string", "las, csv or parquet: the log as a file in that format"),
            { "name": "Range", "in": "header", "required": false, "schema": { "type": "string" } },
            { "name": "If-Range", "in": "header", "required": false, "schema": { "type": "string" } }],
        "responses": responses(json!({
            "200": { "description": "The whole object", "content": { "application/vnd.apache.parquet": { "schema": { "type": "string", "format": "binary" } } } },
            "206": { "description": "One range, with Content-Range", "content": { "application/vnd.apache.parquet": { "schema": { "type": "string", "format": "binary" } } } }
        }), &[304, 400, 401, 403, 404, 416])
    });
    let mut get_object = log_object.clone();
    get_object["operationId"] = json!("getLogObject");
    let mut head_object = log_object;
    head_object["operationId"] = json!("headLogObject");
    add(paths::LOG_OBJECT, "get", get_object);
    add(paths::LOG_OBJECT, "head", head_object);
    add(
        paths::SQL,
        "post",
        json!({
            "summary": "Read-only SQL over the project's tables (well_logs, wells, logs, curves); with as_of, over its Iceberg tables as they were",
            "operationId": "sql", "parameters": [project, query_param("as_of", "string",
                "Time travel: a well_logs snapshot id, or a time (2026-12-04T09:00:00Z; 2026-12-04 09:00:00 is UTC; 2026-12-04)")],
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SqlRequest" } } } },
            "responses": responses(table_ok(), &[304, 400, 401, 403, 404, 406, 504])
        }),
    );
    add(
        paths::INGEST,
        "post",
        json!({
            "summary": "Upload LAS files (multipart/form-data, one file part each) and ingest them",
            "operationId": "ingest", "parameters": [project],
            "requestBody": { "required": true, "content": { "multipart/form-data": { "schema": { "type": "object", "additionalProperties": { "type": "string", "format": "binary" } } } } },
            "responses": responses(json_ok("IngestResponse"), &[400, 401, 403, 413])
        }),
    );

    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "MudRock API",
            "version": mudrock_shared::API_VERSION,
            "description": "Well data: catalogs, log windows, SQL, raw Parquet byte ranges, LAS ingest. Every failure is `{\"error\": {\"code\", \"message\", \"details\"}}`."
        },
        "security": [{ "bearer": [] }],
        "paths": Value::Object(paths_obj),
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer", "description": "A token scoped to projects (MUDROCK_TOKENS or --auth-config)" } },
            "schemas": schemas()
        }
    })
}

fn schemas() -> Value {
    let s = |t: &str| json!({ "type": t });
    let opt = |t: &str| json!({ "type": [t, "null"] });
    let well = json!({ "type": "object", "required": ["well_id", "n_logs", "source_files"], "properties": {
        "well_id": s("string"), "name": opt("string"), "uwi": opt("string"), "api": opt("string"),
        "company": opt("string"), "field": opt("string"), "country": opt("string"),
        "lat": opt("number"), "lon": opt("number"), "location_confidence": opt("string"),
        "start": opt("number"), "stop": opt("number"), "step": opt("number"), "depth_unit": opt("string"),
        "n_logs": s("integer"), "source_files": { "type": "array", "items": s("string") } } });
    let codes: Vec<&str> = mudrock_shared::ErrorCode::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    json!({
        "ErrorEnvelope": { "type": "object", "required": ["error"], "properties": { "error": {
            "type": "object", "required": ["code", "message", "details"], "properties": {
                "code": { "type": "string", "enum": codes }, "message": s("string"), "details": s("object") } } } },
        "Health": { "type": "object", "properties": { "status": s("string"), "version": s("string"), "api_version": s("string") } },
        "ProjectList": { "type": "object", "properties": { "projects": { "type": "array", "items": {
            "type": "object", "properties": { "project_id": s("string") } } } } },
        "Well": well,
        "WellPage": { "type": "object", "properties": { "wells": { "type": "array", "items": { "$ref": "#/components/schemas/Well" } },
            "total": s("integer"), "offset": s("integer"), "limit": s("integer"), "next_offset": opt("integer") } },
        "PolygonSearchRequest": { "type": "object", "required": ["polygon"], "properties": {
            "polygon": { "description": "WKT or GeoJSON text, or a GeoJSON Polygon/MultiPolygon/Feature object (lon, lat)" } } },
        "PolygonSearchResponse": { "type": "object", "properties": {
            "inside": { "type": "array", "items": { "$ref": "#/components/schemas/Well" } },
            "without_location": { "type": "array", "items": { "type": "object", "properties": { "well_id": s("string"), "name": opt("string") } } },
            "wells_considered": s("integer") } },
        "CurveList": { "type": "object", "properties": { "well_id": s("string"), "curves": { "type": "array", "items": {
            "type": "object", "properties": { "log_id": s("string"), "mnemonic": s("string"), "unit": s("string"),
            "family": s("string"), "description": s("string"), "min": opt("number"), "max": opt("number"),
            "null_count": s("integer"), "rows": s("integer") } } } } },
        "TopList": { "type": "object", "properties": { "well_id": s("string"), "depth_unit": opt("string"), "source": opt("string"),
            "tops": { "type": "array", "items": { "type": "object", "properties": { "name": s("string"), "depth": s("number") } } } } },
        "Table": { "type": "object", "properties": {
            "columns": { "type": "array", "items": { "type": "object", "properties": { "name": s("string"), "data_type": s("string") } } },
            "rows": { "type": "array", "items": { "type": "array" } }, "row_count": s("integer"), "truncated": s("boolean") } },
        "SqlRequest": { "type": "object", "required": ["sql"], "properties": { "sql": s("string"), "limit": s("integer") } },
        "IngestResponse": { "type": "object", "properties": { "project_id": s("string"), "files": { "type": "array", "items": {
            "type": "object", "properties": { "file": s("string"), "status": { "type": "string", "enum": ["ok", "unchanged", "rejected", "failed"] },
            "reason": opt("string"), "well_id": opt("string"), "log_id": opt("string"), "rows": s("integer"),
            "snapshot_id": s("integer"), "warnings": { "type": "array", "items": s("object") } } } } } }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_lists_exactly_the_routes_served() {
        let doc = spec();
        let documented: std::collections::BTreeSet<(String, String)> = doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .flat_map(|(path, ops)| {
                ops.as_object()
                    .unwrap()
                    .keys()
                    .map(move |m| (m.clone(), path.clone()))
            })
            .collect();
        let served: std::collections::BTreeSet<(String, String)> = paths::ALL
            .iter()
            .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
            .collect();
        assert_eq!(documented, served);
        // Every $ref resolves.
        let text = doc.to_string();
        for piece in text.split("#/components/schemas/").skip(1) {
            let name: String = piece.chars().take_while(|c| c.is_alphanumeric()).collect();
            assert!(doc["components"]["schemas"][&name].is_object(), "{name}");
        }
        assert_eq!(doc["paths"][paths::HEALTH]["get"]["security"], json!([]));
    }
}
