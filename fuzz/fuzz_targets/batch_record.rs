#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    coverwright_fuzz::safeio_harness::batch_record(data);
});
