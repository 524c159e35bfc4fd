//! Errors of the engine. Every message names what went wrong and where (file, entry, line, offset),
//! and never quotes the input text: stories are private.

use std::fmt;

/// The engine's result type.
pub type Result<T> = std::result::Result<T, Error>;

/// What kind of failure happened.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file could not be opened or read.
    Io,
    /// The input holds no story text at all.
    Empty,
    /// The input looks like binary data, not a story.
    Binary,
    /// The input is in a known format but malformed (bad zip, bad JSON, truncated).
    Malformed,
    /// The input is larger than the configured limit (also used for decompression bombs).
    TooLarge,
    /// An argument or configuration value is invalid (unknown label, bad profile).
    InvalidArgument,
    /// A model or data file could not be loaded.
    Model,
}

/// An engine error: a kind plus a human-readable message naming the location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    /// Creates an error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error { kind, message: message.into() }
    }

    /// Shorthand for a malformed-input error.
    pub fn malformed(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Malformed, message)
    }

    /// Shorthand for an invalid-argument error.
    pub fn invalid(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidArgument, message)
    }

    /// The kind of failure.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Prefixes the message with a location such as a file name or `line 12`.
    pub fn at(mut self, location: impl fmt::Display) -> Error {
        self.message = format!("{location}: {}", self.message);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error::new(ErrorKind::Io, e.to_string())
    }
}
