#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    awsig_fuzz::object_presigner(data);
});
