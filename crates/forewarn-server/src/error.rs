//! API errors: a status code and a JSON body `{"error": {"status", "message"}}`. Messages never
//! quote the submitted text.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// An error answered to the client.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// What went wrong.
    pub message: String,
}

impl ApiError {
    /// A new error.
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError { status, message: message.into() }
    }
    /// 400: the request is malformed.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }
}

impl From<forewarn::Error> for ApiError {
    fn from(e: forewarn::Error) -> ApiError {
        let status = match e.kind() {
            forewarn::ErrorKind::InvalidArgument => StatusCode::BAD_REQUEST,
            forewarn::ErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError::new(status, e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({"error": {"status": self.status.as_u16(), "message": self.message}}))).into_response()
    }
}
