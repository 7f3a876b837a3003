#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| specgate_fuzz::targets::dictionary_csv(data));
