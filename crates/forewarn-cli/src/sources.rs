//! Inputs: paths, directories (walked recursively, sorted, hidden entries skipped) and standard input,
//! turned into a stream of units of work. A JSONL file becomes one unit per line, read lazily, so a
//! batch of a million works never sits in memory at once.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use forewarn::ingest::{self, jsonl, InputFormat};
use forewarn::{Document, Error, ErrorKind};

/// One unit of work: raw bytes to ingest in a worker, or a work already parsed from a JSONL line.
pub enum Unit {
    /// A whole file (or stdin) to ingest.
    Bytes { id: String, bytes: Vec<u8>, format: InputFormat },
    /// One line of a JSONL file, parsed in a worker.
    Line { source: Arc<str>, lineno: usize, line: io::Result<Vec<u8>> },
    /// An input that could not be read at all.
    Failed(Error),
}

impl Unit {
    /// The work's id, when it can be known before ingest (a path, or a JSONL line's id field).
    pub fn known_id(&self) -> Option<String> {
        match self {
            Unit::Bytes { id, .. } => Some(id.clone()),
            Unit::Line { line: Ok(l), .. } => jsonl::line_id(l),
            Unit::Line { .. } | Unit::Failed(_) => None,
        }
    }

    /// Input bytes of the unit.
    pub fn size(&self) -> u64 {
        match self {
            Unit::Bytes { bytes, .. } => bytes.len() as u64,
            Unit::Line { line: Ok(l), .. } => l.len() as u64 + 1,
            _ => 0,
        }
    }
}

/// Settings for reading inputs.
#[derive(Clone, Copy)]
pub struct SourceOptions {
    pub forced: Option<InputFormat>,
    pub max_bytes: u64,
}

/// Expands paths into files: directories recursively (sorted), `-` for stdin. Errors become units.
pub fn expand(paths: &[PathBuf]) -> Vec<Result<PathBuf, Error>> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Ok(p.clone()));
            continue;
        }
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => {
                let before = out.len();
                walk(p, &mut out);
                if out.len() == before {
                    out.push(Err(Error::new(ErrorKind::Empty, "no stories in this directory").at(p.display())));
                }
            }
            Ok(_) => out.push(Ok(p.clone())),
            Err(e) => out.push(Err(Error::from(e).at(p.display()))),
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<Result<PathBuf, Error>>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            out.push(Err(Error::from(e).at(dir.display())));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.')) {
            continue;
        }
        match std::fs::metadata(&p) {
            Ok(m) if m.is_dir() => walk(&p, out),
            Ok(m) if m.is_file() => out.push(Ok(p)),
            Ok(_) => {}
            Err(e) => out.push(Err(Error::from(e).at(p.display()))),
        }
    }
}

fn read_limited(r: impl Read, max: u64, name: &str) -> Result<Vec<u8>, Error> {
    let mut buf = Vec::new();
    r.take(max + 1).read_to_end(&mut buf).map_err(|e| Error::from(e).at(name))?;
    if buf.len() as u64 > max {
        return Err(Error::new(ErrorKind::TooLarge, format!("larger than the limit of {} MiB (--max-size-mib)", max >> 20)).at(name));
    }
    Ok(buf)
}

/// The units of one input path.
pub fn units(path: &Path, opts: SourceOptions) -> Box<dyn Iterator<Item = Unit> + Send> {
    let name = if path.as_os_str() == "-" { "<stdin>".to_string() } else { path.display().to_string() };
    let is_jsonl_name = path.extension().is_some_and(|e| e == "jsonl" || e == "ndjson");
    // JSONL files are streamed line by line; everything else is read whole (bounded).
    if path.as_os_str() != "-" && (opts.forced == Some(InputFormat::Jsonl) || (opts.forced.is_none() && is_jsonl_name)) {
        return match File::open(path) {
            Ok(f) => jsonl_units(BufReader::new(f), name),
            Err(e) => Box::new(std::iter::once(Unit::Failed(Error::from(e).at(&name)))),
        };
    }
    let bytes = if path.as_os_str() == "-" {
        read_limited(io::stdin().lock(), opts.max_bytes, &name)
    } else {
        File::open(path).map_err(|e| Error::from(e).at(&name)).and_then(|f| read_limited(f, opts.max_bytes, &name))
    };
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => return Box::new(std::iter::once(Unit::Failed(e))),
    };
    let format = opts.forced.unwrap_or_else(|| ingest::detect(&bytes, Some(&name)));
    if format == InputFormat::Jsonl {
        return jsonl_units(io::Cursor::new(bytes), name);
    }
    Box::new(std::iter::once(Unit::Bytes { id: name, bytes, format }))
}

fn jsonl_units<R: BufRead + Send + 'static>(reader: R, name: String) -> Box<dyn Iterator<Item = Unit> + Send> {
    let source: Arc<str> = Arc::from(name);
    Box::new(jsonl::lines(reader).map(move |(lineno, line)| Unit::Line { source: source.clone(), lineno, line }))
}

/// Ingests a unit into a document.
pub fn ingest_unit(unit: Unit) -> Result<Document, Error> {
    match unit {
        Unit::Bytes { id, bytes, format } => ingest::read_work(&id, &bytes, format).map_err(|e| e.at(&id)),
        Unit::Line { source, lineno, line } => jsonl::parse_raw(&source, lineno, line),
        Unit::Failed(e) => Err(e),
    }
}
