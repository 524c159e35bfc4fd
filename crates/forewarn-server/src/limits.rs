//! Middleware that keeps the server healthy and private: a concurrency limit that answers 503 at once
//! beyond it, a per-request timeout, and an access log of sizes and timings only (never bodies or
//! query strings).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::Semaphore;

use crate::error::ApiError;

/// Shared limit state.
#[derive(Clone)]
pub struct Limits {
    /// Permits for concurrent scans.
    pub permits: Arc<Semaphore>,
    /// Longest time one request may take.
    pub timeout: Duration,
    /// Whether to write access-log lines to stderr.
    pub access_log: bool,
}

/// Rejects with 503 when every permit is taken; otherwise runs the request under the timeout.
pub async fn guard(State(limits): State<Limits>, req: Request, next: Next) -> Response {
    let Ok(_permit) = limits.permits.clone().try_acquire_owned() else {
        return ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the server is busy; try again shortly").into_response();
    };
    match tokio::time::timeout(limits.timeout, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the request took too long and was stopped").into_response(),
    }
}

/// Logs method, path, status, request and response sizes and the time taken.
pub async fn access_log(State(limits): State<Limits>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let in_len = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).unwrap_or("-").to_string();
    let resp = next.run(req).await;
    if limits.access_log {
        let out_len = axum::body::HttpBody::size_hint(resp.body()).exact().map_or("-".to_string(), |n| n.to_string());
        eprintln!(
            "{method} {path} {} in={in_len}B out={out_len}B {:.1}ms",
            resp.status().as_u16(),
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    resp
}
