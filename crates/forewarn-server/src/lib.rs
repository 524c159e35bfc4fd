//! # forewarn-server
//!
//! The HTTP front end of forewarn: an API for archives' posting forms and a page for readers and
//! authors, served by one binary with its assets embedded (no CDN, works offline). The engine is built
//! once and shared; each request's text lives only for the request.
#![deny(missing_docs)]

pub mod api;
pub mod error;
pub mod limits;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::middleware;
use axum::routing::{get, post};
use axum::Router;
use forewarn::Engine;
use tokio::sync::Semaphore;

/// Server settings.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Address to bind.
    pub addr: SocketAddr,
    /// Largest request body in bytes.
    pub body_limit: usize,
    /// Longest time a request may take.
    pub timeout: Duration,
    /// Most scans in flight; beyond it requests get 503 at once.
    pub max_concurrent: usize,
    /// Log one line per request (sizes and timings only).
    pub access_log: bool,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            body_limit: 10 << 20,
            timeout: Duration::from_secs(30),
            max_concurrent: 64,
            access_log: true,
        }
    }
}

/// State shared by the handlers.
#[derive(Clone)]
pub struct AppState {
    /// The engine.
    pub engine: Engine,
    /// Largest request body in bytes.
    pub body_limit: usize,
}

/// The application: routes, limits and logging.
pub fn router(engine: Engine, config: &ServerConfig) -> Router {
    let state = AppState { engine, body_limit: config.body_limit };
    let lim = limits::Limits {
        permits: Arc::new(Semaphore::new(config.max_concurrent.max(1))),
        timeout: config.timeout,
        access_log: config.access_log,
    };
    let guarded = Router::new()
        .route("/v1/scan", post(api::scan))
        .route("/v1/check", post(api::check))
        .route_layer(middleware::from_fn_with_state(lim.clone(), limits::guard));
    Router::new()
        .route("/", get(api::page))
        .route("/v1/labels", get(api::labels))
        .route("/healthz", get(api::healthz))
        .route("/openapi.json", get(api::openapi))
        .merge(guarded)
        // Bodies are read by the handlers with the configured limit, not axum's 2 MB default.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(middleware::from_fn_with_state(lim, limits::access_log))
        .with_state(state)
}

/// Binds `config.addr` and serves until SIGTERM or Ctrl-C, then finishes the requests in flight.
pub async fn serve(engine: Engine, config: ServerConfig) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    eprintln!("forewarn: serving on http://{} (detector {})", listener.local_addr()?, engine.detector_name());
    axum::serve(listener, router(engine, &config)).with_graceful_shutdown(shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    eprintln!("forewarn: shutting down after the requests in flight");
}
