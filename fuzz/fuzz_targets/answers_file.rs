#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| irbook_fuzz::checks::check_answers(data));
