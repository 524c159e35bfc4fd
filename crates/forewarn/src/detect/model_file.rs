//! What every learned model file shares: safetensors with a `format` tag and the label names in the
//! metadata, little-endian f32 tensors checked against their expected length, and errors that name the
//! file. Each model kind (`linear.rs`, `embed.rs`) lists only its own tensors.

use std::collections::HashMap;

use safetensors::tensor::{Dtype, TensorView};
use safetensors::SafeTensors;

use crate::error::{Error, ErrorKind, Result};
use crate::taxonomy::{LabelId, Taxonomy};

/// A model-file error.
pub(crate) fn bad(message: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Model, format!("model: {message}"))
}

/// The logistic function.
pub(crate) fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// Little-endian bytes of an f32 tensor.
pub(crate) fn f32_bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// A tensor view over bytes already laid out for `dtype` and `shape`.
pub(crate) fn view<'a>(dtype: Dtype, shape: Vec<usize>, data: &'a [u8]) -> Result<TensorView<'a>> {
    TensorView::new(dtype, shape, data).map_err(bad)
}

/// Serialises tensors with the metadata plus `format` and `labels`.
pub(crate) fn write(tensors: Vec<(&str, TensorView<'_>)>, metadata: &HashMap<String, String>, format: &str, labels: &[String]) -> Result<Vec<u8>> {
    let mut meta = metadata.clone();
    meta.insert("format".into(), format.into());
    meta.insert("labels".into(), serde_json::to_string(labels).expect("labels serialise"));
    safetensors::serialize(tensors, Some(meta)).map_err(bad)
}

/// A parsed model file: its metadata (checked to carry `format`), its label names and its tensors.
pub(crate) struct ModelFile<'a> {
    pub metadata: HashMap<String, String>,
    pub labels: Vec<String>,
    tensors: SafeTensors<'a>,
}

impl<'a> ModelFile<'a> {
    /// Parses `bytes`, refusing any file whose `format` is not `format`.
    pub fn read(bytes: &'a [u8], format: &str) -> Result<ModelFile<'a>> {
        let (_, header) = SafeTensors::read_metadata(bytes).map_err(bad)?;
        let metadata: HashMap<String, String> = header.metadata().clone().unwrap_or_default();
        if metadata.get("format").map(String::as_str) != Some(format) {
            return Err(bad(format!("not a {format} file")));
        }
        let labels = metadata.get("labels").and_then(|l| serde_json::from_str(l).ok()).ok_or_else(|| bad("bad 'labels'"))?;
        let tensors = SafeTensors::deserialize(bytes).map_err(bad)?;
        Ok(ModelFile { metadata, labels, tensors })
    }

    /// A tensor's shape and bytes, checked to be of `dtype`.
    pub fn tensor(&self, name: &str, dtype: Dtype) -> Result<(Vec<usize>, &'a [u8])> {
        let t = self.tensors.tensor(name).map_err(|e| bad(format!("{name}: {e}")))?;
        if t.dtype() != dtype {
            return Err(bad(format!("{name} has the wrong type")));
        }
        Ok((t.shape().to_vec(), t.data()))
    }

    /// An f32 tensor of exactly `len` values.
    pub fn floats(&self, name: &str, len: usize) -> Result<Vec<f32>> {
        let (_, data) = self.tensor(name, Dtype::F32)?;
        if data.len() != len * 4 {
            return Err(bad(format!("{name} has the wrong shape")));
        }
        Ok(data.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
    }
}

/// For each head of a model (by label name), the taxonomy label it scores; `None` for a name the
/// built-in taxonomy lacks (a newer model), whose head is then ignored.
pub(crate) fn heads_of(labels: &[String]) -> Vec<Option<LabelId>> {
    let tax = Taxonomy::builtin();
    labels.iter().map(|l| tax.find(l)).collect()
}

/// Reads a model file from disk and parses it with `parse`, naming the file in any error.
pub(crate) fn read_path<T>(path: &std::path::Path, parse: impl FnOnce(&[u8]) -> Result<T>) -> Result<T> {
    let bytes = std::fs::read(path).map_err(|e| Error::from(e).at(path.display()))?;
    parse(&bytes).map_err(|e| e.at(path.display()))
}
