//! The server side: verifies incoming requests (a presigned URL and a
//! header-signed request), and shows what a tampered one gets.
//!
//! ```text
//! cargo run --example verify
//! ```
//!
//! A real server passes the method, request-target, headers and body it
//! received, a lookup from access key id to secret, and its clock.

use awsig::verify::{self, Policy, Secret};
use awsig::{Credentials, Payload, Request, SigningTime, v4};

fn main() {
    // The keys the server knows (a database, a config file, ...).
    let lookup = |akid: &str| {
        (akid == "AKIDEXAMPLE").then_some(Secret::new(
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
        ))
    };

    // What a client sent (signed here for the demo).
    let creds = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
    )
    .unwrap();
    let signed_at = SigningTime::parse_rfc3339("2024-05-01T12:00:00Z").unwrap();
    let key = v4::SigningKey::derive(&creds, signed_at, "eu-west-1", "execute-api").unwrap();
    let signer = v4::Signer::new(&key, &creds, signed_at).unwrap();
    let host = [("Host", "api.example.com")];
    let mut buf = [0u8; 1024];
    let url = v4::presign(
        &signer,
        &Request::new("GET", "/orders/42?verbose=1", &host),
        300,
        &Default::default(),
        &mut buf,
    )
    .unwrap()
    .as_str()
    .to_owned();

    // The server, two minutes later, requiring its own region and service.
    let now = signed_at.checked_add_seconds(120).unwrap();
    let policy = Policy::new(now, "execute-api").region("eu-west-1");
    match verify::verify(&Request::new("GET", &url, &host), &lookup, &policy) {
        Ok(ok) => println!(
            "presigned GET {}: valid, signed by {} ({:?}), headers {:?}, expires {:?}",
            ok.path,
            ok.access_key_id,
            ok.scheme,
            ok.signed_header_names().collect::<Vec<_>>(),
            ok.expires_at
        ),
        Err(e) => println!("presigned GET: refused: {e}"),
    }

    // A header-signed POST with a body.
    let body = br#"{"item":"book"}"#;
    let post_headers = [
        ("Host", "api.example.com"),
        ("Content-Type", "application/json"),
    ];
    let req = Request::new("POST", "/orders", &post_headers).with_payload(Payload::Body(body));
    let signed = v4::sign_headers(&signer, &req, &Default::default(), &mut buf).unwrap();
    let mut received: Vec<(&str, &str)> = post_headers.to_vec();
    received.extend(signed.headers());
    let req = Request::new("POST", "/orders", &received).with_payload(Payload::Body(body));
    match verify::verify(&req, &lookup, &policy) {
        Ok(ok) => println!(
            "header-signed POST {}: valid, signed by {}",
            ok.path, ok.access_key_id
        ),
        Err(e) => println!("header-signed POST: refused: {e}"),
    }

    // Tampering: another body, another path, too late.
    let forged = Request::new("POST", "/orders", &received)
        .with_payload(Payload::Body(br#"{"item":"car"}"#));
    println!(
        "changed body: {}",
        verify::verify(&forged, &lookup, &policy).unwrap_err()
    );
    let moved = url.replacen("/orders/42", "/orders/43", 1);
    println!(
        "changed path: {}",
        verify::verify(&Request::new("GET", &moved, &host), &lookup, &policy).unwrap_err()
    );
    let late = Policy::new(signed_at.checked_add_seconds(301).unwrap(), "execute-api");
    println!(
        "too late: {}",
        verify::verify(&Request::new("GET", &url, &host), &lookup, &late).unwrap_err()
    );
}
