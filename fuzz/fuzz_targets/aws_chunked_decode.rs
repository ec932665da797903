#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    awsig_fuzz::aws_chunked_decode(data);
});
