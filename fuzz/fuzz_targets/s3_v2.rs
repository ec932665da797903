#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    awsig_fuzz::s3_v2(data);
});
