#![no_main]
//! Fuzzes the epub reader (and, through it, decoding, segmentation and the cue detector).

use libfuzzer_sys::fuzz_target;

#[path = "check.rs"]
mod check;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = forewarn::ingest::read_work("fuzz", data, forewarn::ingest::InputFormat::Epub) {
        check::check(&doc);
    }
});
