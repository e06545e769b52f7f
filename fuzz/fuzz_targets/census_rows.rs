#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    coverwright_fuzz::safeio_harness::census_rows(data);
});
