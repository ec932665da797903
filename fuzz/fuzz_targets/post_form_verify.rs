#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    awsig_fuzz::post_form_verify(data);
});
