//! API integration tests: requests go through the real router (limits, logging, handlers) in memory.

use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use forewarn::Engine;
use forewarn_server::{router, ServerConfig};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

fn shared() -> std::path::PathBuf {
    std::env::var_os("FOREWARN_SHARED")
        .map(Into::into)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

fn config() -> ServerConfig {
    ServerConfig { access_log: false, ..ServerConfig::default() }
}

async fn send(cfg: &ServerConfig, req: Request<Body>) -> (StatusCode, Value) {
    let resp = router(Engine::default(), cfg).oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, value)
}

fn post(path: &str, ct: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(path).header(header::CONTENT_TYPE, ct).body(body.into()).unwrap()
}

fn labels(report: &Value) -> Vec<String> {
    report["labels"].as_array().unwrap().iter().map(|l| l["label"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn scan_plain_text_seed() {
    let seed = std::fs::read(shared().join("seeds/000_d6304b31301b4169.txt")).unwrap();
    let (status, r) = send(&config(), post("/v1/scan?spoiler_free=true", "text/plain; charset=utf-8", seed)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(r["schema"], "forewarn.report");
    let l = labels(&r);
    assert!(l.contains(&"suicide".to_string()) && l.contains(&"self-harm".to_string()), "{l:?}");
    assert!(!r.to_string().contains("\"quote\""), "spoiler-free has no quotes");
}

#[tokio::test]
async fn scan_json_with_profile_and_text() {
    let body = json!({"text": "The morning was quiet.\n\nThat night he took his own life.", "include_text": true,
                      "profile": {"avoid": ["mental-health"], "at": "mention"}});
    let (status, r) = send(&config(), post("/v1/scan", "application/json", body.to_string())).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["paragraphs"].as_array().unwrap().len(), 2);
    assert_eq!(r["check"]["clear"], false);
    assert_eq!(r["check"]["labels"][0]["label"], "suicide");
    assert!(r["labels"][0]["passages"][0]["quote"].is_string());
}

#[tokio::test]
async fn multipart_upload_of_an_ao3_page() {
    let html = std::fs::read(shared().join("fixtures/ao3/21640402.html")).unwrap();
    let boundary = "XyZ123";
    let mut body = Vec::new();
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"spoiler_free\"\r\n\r\ntrue\r\n").as_bytes());
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"work.html\"\r\nContent-Type: text/html\r\n\r\n").as_bytes());
    body.extend_from_slice(&html);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let (status, r) = send(&config(), post("/v1/scan", &format!("multipart/form-data; boundary={boundary}"), body)).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["work"]["format"], "ao3-page");
    assert_eq!(r["spoiler_free"], true);
}

#[tokio::test]
async fn check_endpoint_answers_clear_or_not() {
    let req = |text: &str| post("/v1/check", "application/json", json!({"text": text, "profile": {"avoid": ["suicide"], "at": "depiction"}}).to_string());
    let (status, v) = send(&config(), req("Tea in the garden, and cake.")).await;
    assert_eq!((status, v["clear"].clone()), (StatusCode::OK, json!(true)));
    let (status, v) = send(&config(), req("That night he took his own life.")).await;
    assert_eq!((status, v["clear"].clone()), (StatusCode::OK, json!(false)));
    assert_eq!(v["labels"][0]["where"], "ch 1 ¶1");
    assert!(!v.to_string().contains("took his own life"), "check is spoiler-free");
    let (status, _) = send(&config(), post("/v1/check", "application/json", json!({"text": "x"}).to_string())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn errors_have_proper_status_codes() {
    let cfg = config();
    let (s, v) = send(&cfg, post("/v1/scan", "application/json", "{not json")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["error"]["message"].as_str().unwrap().contains("invalid JSON"));
    let (s, _) = send(&cfg, post("/v1/scan", "application/json", json!({"text": "x", "profile": {"avoid": ["spiders"]}}).to_string())).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = send(&cfg, post("/v1/scan", "image/png", "x")).await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (s, _) = send(&cfg, post("/v1/scan", "text/plain", "   \n\n ")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = send(&cfg, post("/v1/scan", "application/octet-stream", vec![0u8, 1, 2, 3, 0, 0])).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = send(&cfg, post("/v1/scan", "application/epub+zip", "PK\x03\x04broken")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    let small = ServerConfig { body_limit: 1024, ..config() };
    let (s, v) = send(&small, post("/v1/scan", "text/plain", vec![b'a'; 4096])).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
}

#[tokio::test]
async fn overlong_request_is_stopped() {
    let cfg = ServerConfig { timeout: Duration::from_nanos(1), ..config() };
    let text = "He was killed in the war. ".repeat(20_000);
    let (s, v) = send(&cfg, post("/v1/scan", "text/plain", text)).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{v}");
}

#[tokio::test]
async fn labels_health_openapi_and_page() {
    let cfg = config();
    let (s, v) = send(&cfg, Request::get("/v1/labels").body(Body::empty()).unwrap()).await;
    assert_eq!((s, v["labels"].as_array().unwrap().len()), (StatusCode::OK, 30));
    let (s, v) = send(&cfg, Request::get("/healthz").body(Body::empty()).unwrap()).await;
    assert_eq!((s, v["status"].clone()), (StatusCode::OK, json!("ok")));
    let (s, v) = send(&cfg, Request::get("/openapi.json").body(Body::empty()).unwrap()).await;
    assert_eq!(s, StatusCode::OK);
    assert!(v["paths"]["/v1/scan"]["post"].is_object());
    let resp = router(Engine::default(), &cfg).oneshot(Request::get("/").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let html = String::from_utf8(resp.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    assert!(html.contains("<textarea") && !html.contains("http://") && !html.contains("https://"), "page is self-contained");
}
