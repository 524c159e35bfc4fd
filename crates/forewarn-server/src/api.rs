//! The API handlers: `POST /v1/scan`, `POST /v1/check`, `GET /v1/labels`, `GET /healthz`,
//! `GET /openapi.json`. A submission is text (`text/plain`), JSON (`{"text", "format",
//! "spoiler_free", "include_text", "profile"}`), a raw document (HTML, EPUB) or a multipart upload
//! (`file` or `text` field, plus the same option fields). Scanning runs on the blocking pool; nothing
//! of the text outlives the request.

use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use forewarn::ingest::{self, InputFormat};
use forewarn::profile::ProfileSpec;
use forewarn::report::human::locations;
use forewarn::{Profile, Report, ReportOptions, Taxonomy};

use crate::error::ApiError;
use crate::AppState;

/// Options given in the query string (for bodies that carry only the document).
#[derive(Debug, Default, Deserialize)]
pub struct QueryOptions {
    #[serde(default)]
    spoiler_free: bool,
    #[serde(default)]
    include_text: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonRequest {
    text: String,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    spoiler_free: bool,
    #[serde(default)]
    include_text: bool,
    #[serde(default)]
    profile: Option<ProfileSpec>,
}

/// A parsed submission.
struct Submission {
    bytes: Bytes,
    name: Option<String>,
    format: Option<InputFormat>,
    spoiler_free: bool,
    include_text: bool,
    profile: Option<ProfileSpec>,
}

/// The Content-Type header as sent (the multipart boundary is case-sensitive); text/plain if absent.
fn content_type(headers: &HeaderMap) -> String {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("text/plain").to_string()
}

async fn read_body(state: &AppState, headers: &HeaderMap, body: Body) -> Result<Bytes, ApiError> {
    let too_large = || ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, format!("the body is larger than the limit of {} bytes", state.body_limit));
    if let Some(len) = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok()) {
        if len > state.body_limit {
            return Err(too_large());
        }
    }
    axum::body::to_bytes(body, state.body_limit).await.map_err(|_| too_large())
}

async fn parse(state: &AppState, headers: &HeaderMap, q: QueryOptions, body: Body) -> Result<Submission, ApiError> {
    let ct = content_type(headers);
    let mime = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let raw = |bytes: Bytes, format: Option<InputFormat>| Submission {
        bytes,
        name: None,
        format,
        spoiler_free: q.spoiler_free,
        include_text: q.include_text,
        profile: None,
    };
    match mime.as_str() {
        "text/plain" => Ok(raw(read_body(state, headers, body).await?, Some(InputFormat::Text))),
        "text/markdown" => Ok(raw(read_body(state, headers, body).await?, Some(InputFormat::Markdown))),
        "text/html" | "application/xhtml+xml" => Ok(raw(read_body(state, headers, body).await?, Some(InputFormat::Html))),
        "application/epub+zip" => Ok(raw(read_body(state, headers, body).await?, Some(InputFormat::Epub))),
        "application/octet-stream" => Ok(raw(read_body(state, headers, body).await?, None)),
        "application/json" => {
            let bytes = read_body(state, headers, body).await?;
            let req: JsonRequest = serde_json::from_slice(&bytes).map_err(|e| ApiError::bad_request(format!("invalid JSON request: {e}")))?;
            let format = req.format.as_deref().map(str::parse::<InputFormat>).transpose()?;
            Ok(Submission {
                bytes: Bytes::from(req.text.into_bytes()),
                name: None,
                format,
                spoiler_free: req.spoiler_free,
                include_text: req.include_text,
                profile: req.profile,
            })
        }
        "multipart/form-data" => {
            let boundary = multer::parse_boundary(&ct).map_err(|e| ApiError::bad_request(format!("multipart: {e}")))?;
            let bytes = read_body(state, headers, body).await?;
            let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(bytes) });
            let mut mp = multer::Multipart::new(stream, boundary);
            let mut sub = raw(Bytes::new(), None);
            let mut got_document = false;
            while let Some(field) = mp.next_field().await.map_err(|e| ApiError::bad_request(format!("multipart: {e}")))? {
                let name = field.name().unwrap_or("").to_string();
                let file_name = field.file_name().map(str::to_string);
                let data = field.bytes().await.map_err(|e| ApiError::bad_request(format!("multipart: {e}")))?;
                let flag = || matches!(std::str::from_utf8(&data).map(str::trim), Ok("true" | "1" | "on"));
                match name.as_str() {
                    "file" | "text" => {
                        if let Some(f) = &file_name {
                            let lower = f.to_ascii_lowercase();
                            let allowed = [".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".epub"];
                            if !allowed.iter().any(|ext| lower.ends_with(ext)) {
                                return Err(ApiError::new(
                                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                                    "unsupported file type (use .txt, .md, .html or .epub)",
                                ));
                            }
                        }
                        sub.name = file_name;
                        sub.bytes = data;
                        got_document = true;
                    }
                    "spoiler_free" => sub.spoiler_free = flag(),
                    "include_text" => sub.include_text = flag(),
                    "profile" => {
                        sub.profile = Some(serde_json::from_slice(&data).map_err(|e| ApiError::bad_request(format!("profile: {e}")))?)
                    }
                    _ => {}
                }
            }
            if !got_document {
                return Err(ApiError::bad_request("multipart upload has no 'file' or 'text' field"));
            }
            Ok(sub)
        }
        other => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("unsupported content type '{other}' (use text/plain, application/json, multipart/form-data, text/html or application/epub+zip)"),
        )),
    }
}

/// Reads and scans a submission on the blocking pool.
async fn scan_submission(state: &AppState, sub: Submission) -> Result<(Report, Option<Vec<forewarn::Finding>>), ApiError> {
    let profile = sub.profile.as_ref().map(|p| Profile::from_spec(p, Taxonomy::builtin())).transpose()?;
    let engine = state.engine.clone();
    let opts = ReportOptions { spoiler_free: sub.spoiler_free, include_text: sub.include_text };
    tokio::task::spawn_blocking(move || -> Result<_, ApiError> {
        let name = sub.name.as_deref().unwrap_or("submitted text");
        let doc = ingest::read_document(name, &sub.bytes, sub.format)?;
        let findings = engine.findings(&doc);
        let checked = profile.map(|p| p.check(&findings));
        Ok((Report::new(&doc, &findings, engine.detector_name(), Taxonomy::builtin(), opts), checked))
    })
    .await
    .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error while scanning"))?
}

/// The verdict of a profile check: clear or not, and where (spoiler-free: locations only).
fn verdict(findings: &[forewarn::Finding], report: &Report) -> Value {
    let tax = Taxonomy::builtin();
    let labels: Vec<Value> = findings
        .iter()
        .map(|f| {
            let id = &tax.label(f.label).id;
            let passages: Vec<forewarn::report::PassageRef> = report
                .labels
                .iter()
                .find(|l| &l.label == id)
                .map(|l| l.passages.iter().filter(|p| f.passages.iter().any(|fp| fp.paragraph == p.index)).cloned().collect())
                .unwrap_or_default();
            json!({
                "label": id,
                "severity": f.severity,
                "where": locations(&passages),
                "passages": passages.iter().map(|p| json!({"chapter": p.chapter, "paragraph": p.paragraph, "index": p.index, "severity": p.severity})).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({"clear": findings.is_empty(), "labels": labels})
}

/// `POST /v1/scan`: the JSON report (plus `check` when a profile was given).
pub async fn scan(State(state): State<AppState>, Query(q): Query<QueryOptions>, headers: HeaderMap, body: Body) -> Result<impl IntoResponse, ApiError> {
    let sub = parse(&state, &headers, q, body).await?;
    let (report, checked) = scan_submission(&state, sub).await?;
    let mut value = serde_json::to_value(&report).map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    if let Some(findings) = checked {
        value["check"] = verdict(&findings, &report);
    }
    Ok(Json(value))
}

/// `POST /v1/check`: is the text clear for the profile? Spoiler-free unless asked otherwise.
pub async fn check(State(state): State<AppState>, Query(q): Query<QueryOptions>, headers: HeaderMap, body: Body) -> Result<impl IntoResponse, ApiError> {
    let mut sub = parse(&state, &headers, q, body).await?;
    let Some(profile) = &sub.profile else {
        return Err(ApiError::bad_request("a profile is required: {\"text\": ..., \"profile\": {\"avoid\": [...], \"at\": ...}}"));
    };
    if profile.avoid.is_empty() && profile.labels.is_empty() {
        return Err(ApiError::bad_request("the profile names no label to avoid"));
    }
    sub.include_text = false;
    let (report, checked) = scan_submission(&state, sub).await?;
    Ok(Json(verdict(&checked.unwrap_or_default(), &report)))
}

/// `GET /v1/labels`: the taxonomy.
pub async fn labels() -> impl IntoResponse {
    Json(Taxonomy::builtin().to_json())
}

/// `GET /healthz`.
pub async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    Json(json!({"status": "ok", "detector": state.engine.detector_name()}))
}

/// `GET /openapi.json`.
pub async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], include_str!("../assets/openapi.json"))
}

/// `GET /`: the page.
pub async fn page() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")],
        include_str!("../assets/index.html"),
    )
}
