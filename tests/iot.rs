//! AWS IoT Core's presigned MQTT-over-WebSocket URLs: no `X-Amz-Expires`,
//! the session token appended after signing (`SigningSettings::iot_websocket`).
//! The expected targets are aws-c-auth's (awscrt 0.38.1) for the same
//! inputs: `tests/vectors/iot/gen.py` made `tests/vectors/iot/iot.jsonl`,
//! copied here so that the packaged crate's tests have them too.

use awsig::{Credentials, Request, SigningTime, v4};

/// Access key id, secret, session token, host, region, time, aws-c-auth's target.
type Case = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const CASES: &[Case] = &[
    (
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
        "a1b2c3d4e5f6g7-ats.iot.us-east-1.amazonaws.com",
        "us-east-1",
        "2015-08-30T12:36:00Z",
        "/mqtt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fiotdevicegateway%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Signature=abaa19ec946afb81af70a8d779058f5587de5b38d677c12d9f47702a8744126e",
    ),
    (
        "ASIAQNZGKIQY56JQ7WML",
        "k5Xl2QmY0mD7pBz3Hq9t8VbWc1Ns4Rf6Ju0Ea2Ly",
        Some("IQoJb3JpZ2luX2VjEA+token/with+slashes=="),
        "example-ats.iot.eu-west-1.amazonaws.com",
        "eu-west-1",
        "2026-12-03T12:00:00Z",
        "/mqtt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAQNZGKIQY56JQ7WML%2F20261203%2Feu-west-1%2Fiotdevicegateway%2Faws4_request&X-Amz-Date=20261203T120000Z&X-Amz-SignedHeaders=host&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEA%2Btoken%2Fwith%2Bslashes%3D%3D&X-Amz-Signature=bc9e84f807d263f5039ce0a98fc962d96776194db9629502a8724b8939742f72",
    ),
    (
        "ASIAQNZGKIQY56JQ7WML",
        "Zp8Qw3Er5Ty7Ui9Op1As2Df4Gh6Jk8Lz0Xc3Vb5Nm",
        Some("FwoGZXIvYXdzEJr//////////wEaDExampleTokenValue%&="),
        "xyz-ats.iot.ap-southeast-2.amazonaws.com",
        "ap-southeast-2",
        "2024-02-29T23:59:59Z",
        "/mqtt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAQNZGKIQY56JQ7WML%2F20240229%2Fap-southeast-2%2Fiotdevicegateway%2Faws4_request&X-Amz-Date=20240229T235959Z&X-Amz-SignedHeaders=host&X-Amz-Security-Token=FwoGZXIvYXdzEJr%2F%2F%2F%2F%2F%2F%2F%2F%2F%2FwEaDExampleTokenValue%25%26%3D&X-Amz-Signature=3b919ed2353ef7ff3f2ef503729d13e1c503c2cfdfdcbefd262472aa61ce5f53",
    ),
];

/// The path and the sorted query parameters: where the unsigned token goes
/// among the parameters does not matter to the server.
fn parts(target: &str) -> (&str, Vec<&str>) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut params: Vec<&str> = query.split('&').collect();
    params.sort_unstable();
    (path, params)
}

#[test]
fn iot_websocket_urls_match_aws_c_auth() {
    for &(akid, secret, token, host, region, time, expected) in CASES {
        let creds = Credentials::new(akid, secret, token).unwrap();
        let time = SigningTime::parse_rfc3339(time).unwrap();
        let key = v4::SigningKey::derive(&creds, time, region, "iotdevicegateway").unwrap();
        let signer = v4::Signer::new(&key, &creds, time).unwrap();
        let headers = [("Host", host)];
        let request = Request::new("GET", "/mqtt", &headers).with_scheme("wss");
        let mut buf = [0u8; 1024];
        // `expires_in` is neither checked nor written with these settings.
        let url = v4::presign_url(
            &signer,
            &request,
            0,
            &v4::SigningSettings::iot_websocket(),
            &mut buf,
        )
        .unwrap();
        let url = url.as_str();
        assert!(!url.contains("X-Amz-Expires"), "{url}");
        let target = url.strip_prefix(&format!("wss://{host}")).unwrap();
        assert_eq!(parts(target), parts(expected), "{akid} {host}");
        // The token, when there is one, comes after the signature: unsigned.
        if token.is_some() {
            let signature_at = target.find("X-Amz-Signature=").unwrap();
            assert!(target.find("X-Amz-Security-Token=").unwrap() > signature_at);
        }
    }
}
