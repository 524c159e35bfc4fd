//! Static word embeddings distilled from all-MiniLM-L6-v2 (model2vec-style): one vector per WordPiece
//! token, the teacher's mean-pooled output for that token alone. A paragraph's vector is the weighted
//! mean of its tokens' vectors, with smooth inverse frequency weights `a / (a + p(token))` counted on
//! unlabelled fiction, so "the" and "," count for little. No transformer runs: a lookup and an add per
//! token, tens of MB/s.
//!
//! Stored as int8 rows with one f32 scale per row (a quarter of f32's size, error below 1% of a row's
//! largest value) inside the model file (see [`super::embed`]).

use super::wordpiece::WordPiece;

/// The table and the tokenizer.
#[derive(Debug, Clone)]
pub struct StaticEmbeddings {
    /// Tokenizer whose ids index the rows.
    pub tokenizer: WordPiece,
    /// Dimensions per row.
    pub dims: usize,
    /// `vocab x dims` quantised rows.
    pub table: Vec<i8>,
    /// Per-row scale: value = `table[i] as f32 * scale[row]`.
    pub scale: Vec<f32>,
    /// Per-token weight in the mean.
    pub weight: Vec<f32>,
}

impl StaticEmbeddings {
    /// Quantises a float table (`rows[token]`) with the given token weights.
    pub fn from_rows(tokenizer: WordPiece, rows: &[Vec<f32>], weight: Vec<f32>) -> StaticEmbeddings {
        let dims = rows.first().map_or(0, Vec::len);
        let mut table = Vec::with_capacity(rows.len() * dims);
        let mut scale = Vec::with_capacity(rows.len());
        for r in rows {
            let max = r.iter().fold(0f32, |m, x| m.max(x.abs()));
            let s = if max > 0.0 { max / 127.0 } else { 1.0 };
            table.extend(r.iter().map(|x| (x / s).round().clamp(-127.0, 127.0) as i8));
            scale.push(s);
        }
        StaticEmbeddings { tokenizer, dims, table, scale, weight }
    }

    /// Smooth inverse frequency weights from token counts: `a / (a + count / total)`; unseen tokens
    /// get the largest weight.
    pub fn sif_weights(counts: &[u64], a: f64) -> Vec<f32> {
        let total = counts.iter().sum::<u64>().max(1) as f64;
        counts.iter().map(|&c| (a / (a + c as f64 / total)) as f32).collect()
    }

    /// The unit-length weighted mean vector of a text (all zeros for a text with no tokens).
    pub fn embed(&self, text: &str, ids: &mut Vec<u32>) -> Vec<f32> {
        ids.clear();
        self.tokenizer.encode_into(text, ids);
        let mut v = vec![0.0; self.dims];
        for &id in ids.iter() {
            let id = id as usize;
            let ws = self.weight[id] * self.scale[id];
            let row = &self.table[id * self.dims..(id + 1) * self.dims];
            for (a, &q) in v.iter_mut().zip(row) {
                *a += ws * f32::from(q);
            }
        }
        normalise(&mut v);
        v
    }
}

/// Scales a vector to unit length (zero stays zero).
pub fn normalise(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighted_mean_of_quantised_rows() {
        let wp = WordPiece::from_vocab("[PAD]\n[UNK]\n[CLS]\n[SEP]\nsad\nthe\n").unwrap();
        let rows = vec![vec![0.0, 0.0]; 4].into_iter().chain([vec![1.0, 0.0], vec![0.0, 1.0]]).collect::<Vec<_>>();
        let weight = StaticEmbeddings::sif_weights(&[0, 0, 0, 0, 1, 99], 0.01);
        assert!(weight[4] > weight[5] * 10.0);
        let emb = StaticEmbeddings::from_rows(wp, &rows, weight);
        let v = emb.embed("The sad the", &mut Vec::new());
        assert!(v[0] > v[1], "{v:?}");
        assert!((v.iter().map(|x| x * x).sum::<f32>() - 1.0).abs() < 1e-5);
        assert_eq!(emb.embed("", &mut Vec::new()), vec![0.0, 0.0]);
    }
}
