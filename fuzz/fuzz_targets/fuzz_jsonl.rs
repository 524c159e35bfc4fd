#![no_main]
//! Fuzzes the JSONL reader, and format detection on arbitrary bytes.

use libfuzzer_sys::fuzz_target;

#[path = "check.rs"]
mod check;

fuzz_target!(|data: &[u8]| {
    let _ = forewarn::ingest::detect(data, Some("fuzz.jsonl"));
    for doc in forewarn::ingest::jsonl::works(data, "fuzz".to_string()).flatten() {
        check::check(&doc);
    }
});
