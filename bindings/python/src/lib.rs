//! Python bindings: `forewarn.scan(text)` gives the same report as `forewarn scan --format json`.
//! Reports cross into Python as JSON text and are parsed there into dicts, so the two can never
//! drift apart. Batch calls release the GIL and run on a rayon pool.

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use rayon::prelude::*;

use forewarn::ingest::{self, InputFormat};
use forewarn::{Engine, Profile, Report, ReportOptions, Severity, Taxonomy};

create_exception!(_forewarn, ForewarnError, PyValueError, "A text or argument forewarn cannot read.");

fn engine() -> &'static Engine {
    static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    ENGINE.get_or_init(Engine::default)
}

fn to_py(e: forewarn::Error) -> PyErr {
    ForewarnError::new_err(e.to_string())
}

fn report_json(id: &str, bytes: &[u8], format: Option<InputFormat>, opts: ReportOptions) -> forewarn::Result<String> {
    let report = engine().report(&ingest::read_document(id, bytes, format)?, opts);
    serde_json::to_string(&report).map_err(|err| forewarn::Error::new(forewarn::ErrorKind::Malformed, err.to_string()))
}

fn parse_format(format: Option<&str>) -> PyResult<Option<InputFormat>> {
    format.map(str::parse::<InputFormat>).transpose().map_err(to_py)
}

/// Scans one text; returns the report as JSON text.
#[pyfunction]
#[pyo3(signature = (text, id = "text", spoiler_free = false, include_text = false, format = None))]
fn scan_json(py: Python<'_>, text: &str, id: &str, spoiler_free: bool, include_text: bool, format: Option<&str>) -> PyResult<String> {
    let format = parse_format(format)?;
    let opts = ReportOptions { spoiler_free, include_text };
    let text = text.to_owned();
    let id = id.to_owned();
    py.detach(move || report_json(&id, text.as_bytes(), format, opts)).map_err(to_py)
}

/// Scans a document given as bytes (text in any encoding, HTML, AO3 pages, EPUB).
#[pyfunction]
#[pyo3(signature = (data, id = "document", spoiler_free = false, include_text = false))]
fn scan_bytes_json(py: Python<'_>, data: Vec<u8>, id: &str, spoiler_free: bool, include_text: bool) -> PyResult<String> {
    let opts = ReportOptions { spoiler_free, include_text };
    let id = id.to_owned();
    py.detach(move || report_json(&id, &data, None, opts)).map_err(to_py)
}

/// Scans many texts in parallel without the GIL; each item is the report's JSON text or, for a text
/// that could not be read, `None` with the error message in the second list.
#[pyfunction]
#[pyo3(signature = (texts, ids = None, threads = None, spoiler_free = false))]
fn scan_many_json(
    py: Python<'_>,
    texts: Vec<String>,
    ids: Option<Vec<String>>,
    threads: Option<usize>,
    spoiler_free: bool,
) -> PyResult<(Vec<Option<String>>, Vec<Option<String>>)> {
    if let Some(ids) = &ids {
        if ids.len() != texts.len() {
            return Err(ForewarnError::new_err("ids and texts differ in length"));
        }
    }
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        if n == 0 {
            return Err(ForewarnError::new_err("threads must be at least 1"));
        }
        pool = pool.num_threads(n);
    }
    let pool = pool.build().map_err(|e| ForewarnError::new_err(e.to_string()))?;
    let opts = ReportOptions { spoiler_free, include_text: false };
    let results: Vec<forewarn::Result<String>> = py.detach(move || {
        pool.install(|| {
            texts
                .par_iter()
                .enumerate()
                .map(|(i, t)| {
                    let id = ids.as_ref().map_or_else(|| i.to_string(), |ids| ids[i].clone());
                    report_json(&id, t.as_bytes(), Some(InputFormat::Text), opts)
                })
                .collect()
        })
    });
    let mut reports = Vec::with_capacity(results.len());
    let mut errors = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(j) => {
                reports.push(Some(j));
                errors.push(None);
            }
            Err(e) => {
                reports.push(None);
                errors.push(Some(e.to_string()));
            }
        }
    }
    Ok((reports, errors))
}

/// Checks a text against a profile: returns (clear, JSON of the report restricted to the profile).
#[pyfunction]
#[pyo3(signature = (text, avoid, at = "mention"))]
fn check_json(py: Python<'_>, text: &str, avoid: Vec<String>, at: &str) -> PyResult<(bool, String)> {
    let at: Severity = at.parse().map_err(to_py)?;
    let profile = Profile::new(&avoid, at, Taxonomy::builtin()).map_err(to_py)?;
    if profile.is_empty() {
        return Err(ForewarnError::new_err("avoid names no label"));
    }
    let text = text.to_owned();
    py.detach(move || {
        let doc = ingest::read_work("text", text.as_bytes(), InputFormat::Text)?;
        let e = engine();
        let hits = profile.check(&e.findings(&doc));
        let opts = ReportOptions { spoiler_free: true, include_text: false };
        let report = Report::new(&doc, &hits, e.detector_name(), Taxonomy::builtin(), opts);
        Ok((hits.is_empty(), serde_json::to_string(&report).expect("report serialises")))
    })
    .map_err(to_py)
}

/// The taxonomy as JSON text.
#[pyfunction]
fn labels_json() -> String {
    Taxonomy::builtin().to_json().to_string()
}

#[pymodule]
fn _forewarn(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(scan_json, m)?)?;
    m.add_function(wrap_pyfunction!(scan_bytes_json, m)?)?;
    m.add_function(wrap_pyfunction!(scan_many_json, m)?)?;
    m.add_function(wrap_pyfunction!(check_json, m)?)?;
    m.add_function(wrap_pyfunction!(labels_json, m)?)?;
    m.add("ForewarnError", m.py().get_type::<ForewarnError>())?;
    m.add("DETECTOR", engine().detector_name())?;
    Ok(())
}
