//! upload-image, black-box: multipart uploads as a browser's `FormData` sends them, through the real
//! binary under `cargo lambda watch`, to the sandbox's Media Manager and CMS. Every test checks what the
//! sandbox stored, not only the status code.

use crate::harness::{FormField, Reply, Stack, StackOptions, multipart_form, seed};
use serde_json::json;

const FUNCTION: &str = "upload-image";

/// `magic` followed by `len - magic.len()` filler bytes.
fn image(magic: &[u8], len: usize) -> Vec<u8> {
    let mut bytes = magic.to_vec();
    bytes.resize(len, 0x5a);
    bytes
}

fn png(len: usize) -> Vec<u8> {
    image(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR", len)
}

/// A form with `file` (declared as `declared`), a title and an uploader name, plus `extra` fields.
fn upload_form(file: &[u8], declared: &str, extra: &[FormField<'_>]) -> (String, Vec<u8>) {
    let mut fields: Vec<FormField<'_>> = vec![
        ("file", Some(("photo.png", declared)), file),
        ("title", None, "Blue vase".as_bytes()),
        ("uploaderName", None, "Rui".as_bytes()),
    ];
    fields.extend_from_slice(extra);
    multipart_form(&fields)
}

/// An upload as the example page sends it: with a fresh attestation token from the (sandbox's) widget.
async fn upload(stack: &Stack, token: Option<&str>, form: (String, Vec<u8>)) -> Reply {
    let attestation = stack.attestation_token().await;
    stack
        .post_body_with_headers(
            FUNCTION,
            token,
            &[("attestation-token", &attestation)],
            &form.0,
            form.1,
        )
        .await
}

fn assert_nothing_stored(stack: &Stack) {
    assert!(
        stack.sandbox.state.media_files().is_empty(),
        "no file in the Media Manager"
    );
    assert_eq!(
        stack.sandbox.state.data_items(seed::UPLOAD_COLLECTION_ID),
        Some(Vec::new()),
        "no CMS item"
    );
}

#[tokio::test]
async fn a_visitor_uploads_an_image_and_the_cms_holds_an_unapproved_item() {
    let stack = Stack::start().await;
    let visitor = stack.visitor_token().await;
    let member = stack.member_token(&seed::MEMBER).await;
    let images = [
        (
            "image/jpeg",
            image(b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00", 3000),
        ),
        ("image/png", png(2000)),
        ("image/webp", image(b"RIFF\x24\x00\x00\x00WEBPVP8 ", 1500)),
        ("image/gif", image(b"GIF89a\x01\x00\x01\x00", 800)),
    ];
    let mut bodies = Vec::new();
    for (index, (mime, bytes)) in images.iter().enumerate() {
        // The declared type is ignored: the bytes decide.
        let token = if index % 2 == 0 { &visitor } else { &member };
        let reply = upload(
            &stack,
            Some(token),
            upload_form(bytes, "application/octet-stream", &[]),
        )
        .await;
        assert_eq!(reply.status, 200, "{mime}: {}", reply.body);
        let body = reply.json();
        let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["itemId", "mediaUrl"]);

        let file = stack
            .sandbox
            .state
            .media_files()
            .pop()
            .expect("a stored file");
        assert_eq!(&file.bytes, bytes, "{mime}: the bytes arrived intact");
        assert_eq!(file.mime_type, *mime);
        assert_eq!(body["mediaUrl"], file.url.as_str());
        assert!(file.url.starts_with("https://static.wixstatic.com/media/"));

        let items = stack
            .sandbox
            .state
            .data_items(seed::UPLOAD_COLLECTION_ID)
            .unwrap();
        assert_eq!(items.len(), index + 1);
        let item = items.last().unwrap();
        assert_eq!(item["_id"], body["itemId"]);
        assert_eq!(item["uploadedImage"], body["mediaUrl"]);
        assert_eq!(item["imageTitle"], "Blue vase");
        assert_eq!(item["uploaderName"], "Rui");
        assert_eq!(item["isApproved"], false);
        let submitted = item["submissionDateTime"]["$date"]
            .as_str()
            .expect("a $date");
        assert!(
            submitted.len() == 24 && submitted.ends_with('Z'),
            "{submitted}"
        );
        let mut fields: Vec<&String> = item.as_object().unwrap().keys().collect();
        fields.sort();
        assert_eq!(
            fields,
            [
                "_createdDate",
                "_id",
                "_updatedDate",
                "imageTitle",
                "isApproved",
                "submissionDateTime",
                "uploadedImage",
                "uploaderName"
            ]
        );
        bodies.push(reply.body);
    }
    let uploads: Vec<_> = stack
        .stats()
        .calls
        .into_iter()
        .filter(|c| c.path.starts_with("/_upload/"))
        .collect();
    assert_eq!(uploads.len(), 4);
    assert!(
        uploads
            .iter()
            .all(|c| c.method == "PUT" && c.auth == "none" && c.status == 200),
        "the bytes go to the upload URL without the admin token: {uploads:?}"
    );
    let bodies: Vec<&str> = bodies.iter().map(String::as_str).collect();
    stack.assert_no_secret_leaked(&bodies);
}

#[tokio::test]
async fn an_upload_whose_bytes_are_not_an_allowed_image_is_refused_with_415_and_nothing_is_stored()
{
    let stack = Stack::start().await;
    let visitor = stack.visitor_token().await;
    let not_images: [(&str, Vec<u8>); 6] = [
        (
            "image/png",
            b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>".to_vec(),
        ),
        (
            "image/png",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".to_vec(),
        ),
        (
            "image/svg+xml",
            b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec(),
        ),
        ("image/jpeg", b"%PDF-1.7 not a jpeg".to_vec()),
        ("image/png", b"\x89PNG".to_vec()),
        ("image/gif", Vec::new()),
    ];
    for (declared, bytes) in &not_images {
        let reply = upload(&stack, Some(&visitor), upload_form(bytes, declared, &[])).await;
        let problem = reply.problem(415);
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("JPEG, PNG, WebP or GIF")
        );
    }
    let json = stack
        .post(
            FUNCTION,
            Some(&visitor),
            &json!({ "file": "data:image/png;base64,iVBORw0KGgo=" }),
        )
        .await;
    json.problem(415);
    assert_eq!(stack.stats().elevated_calls, 0, "nothing reached Wix");
    assert_nothing_stored(&stack);

    let anonymous = upload(&stack, None, upload_form(&png(100), "image/png", &[])).await;
    anonymous.problem(401);
    assert_nothing_stored(&stack);
}

#[tokio::test]
async fn an_upload_over_the_cap_is_refused_with_413_and_the_cap_and_collection_are_configurable() {
    const COLLECTION: &str = "visitor-photos";
    let stack = Stack::start_with(StackOptions {
        extra_env: vec![
            ("UPLOAD_MAX_BYTES".into(), "4096".into()),
            ("UPLOAD_COLLECTION_ID".into(), COLLECTION.into()),
        ],
        ..Default::default()
    })
    .await;
    stack.sandbox.state.create_collection(COLLECTION);
    let visitor = stack.visitor_token().await;

    for len in [4097, 100_000, 6 * 1024 * 1024 + 1] {
        let reply = upload(
            &stack,
            Some(&visitor),
            upload_form(&png(len), "image/png", &[]),
        )
        .await;
        reply.problem(413);
    }
    assert_eq!(stack.stats().elevated_calls, 0);
    assert_nothing_stored(&stack);

    let reply = upload(
        &stack,
        Some(&visitor),
        upload_form(&png(4096), "image/png", &[]),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let items = stack.sandbox.state.data_items(COLLECTION).unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["_id"], reply.json()["itemId"]);
    assert_eq!(
        stack.sandbox.state.data_items(seed::UPLOAD_COLLECTION_ID),
        Some(Vec::new()),
        "the configured collection, not the default"
    );
}

#[tokio::test]
async fn an_upload_cannot_set_is_approved_or_any_field_beyond_title_and_uploader_name() {
    let stack = Stack::start().await;
    let visitor = stack.visitor_token().await;
    let file = png(500);
    let long_title = "t".repeat(101);
    let extras: [&[FormField<'_>]; 6] = [
        &[("isApproved", None, b"true")],
        &[("_owner", None, b"29bad489-b9b2-4d79-a1c3-267a14c3a9fe")],
        &[("submissionDateTime", None, b"2020-01-01T00:00:00Z")],
        &[("uploadedImage", None, b"https://evil.example/x.png")],
        &[("title", None, b"A second title")],
        &[("file", Some(("b.png", "image/png")), b"\x89PNG\r\n\x1a\n")],
    ];
    let mut forms: Vec<(String, Vec<u8>)> = extras
        .iter()
        .map(|extra| upload_form(&file, "image/png", extra))
        .collect();
    forms.push(multipart_form(&[
        ("file", Some(("a.png", "image/png")), &file),
        ("title", None, b"No name"),
    ]));
    forms.push(multipart_form(&[
        ("file", Some(("a.png", "image/png")), &file),
        ("uploaderName", None, b"Rui"),
    ]));
    forms.push(multipart_form(&[
        ("title", None, b"t"),
        ("uploaderName", None, b"Rui"),
    ]));
    forms.push(multipart_form(&[
        ("file", Some(("a.png", "image/png")), &file),
        ("title", None, long_title.as_bytes()),
        ("uploaderName", None, b"Rui"),
    ]));
    forms.push(multipart_form(&[
        ("file", Some(("a.png", "image/png")), &file),
        ("title", None, b"line\nbreak"),
        ("uploaderName", None, b"Rui"),
    ]));
    forms.push((
        "multipart/form-data".into(),
        upload_form(&file, "image/png", &[]).1,
    ));
    for (content_type, body) in forms {
        let reply = upload(&stack, Some(&visitor), (content_type, body)).await;
        assert_eq!(reply.status, 400, "{}", reply.body);
        reply.problem(400);
    }
    let (content_type, body) = upload_form(&file, "image/png", &[]);
    let query = stack
        .http
        .post(format!("{}?isApproved=true", stack.url(FUNCTION)))
        .bearer_auth(&visitor)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(query.status(), 400);
    assert_eq!(stack.stats().elevated_calls, 0);
    assert_nothing_stored(&stack);
}

#[tokio::test]
async fn an_upload_flood_over_several_instances_stops_at_the_budget() {
    const BUDGET: usize = 5;
    let stack = Stack::start_with(StackOptions {
        extra_env: vec![(
            "UPLOAD_BUDGET_SITE_UPLOADS_PER_HOUR".into(),
            BUDGET.to_string(),
        )],
        ..StackOptions::instances(4)
    })
    .await;
    let visitors = [stack.visitor_token().await, stack.visitor_token().await];
    let file = png(2048);
    let uploads = (0..BUDGET + 3).map(|i| {
        let token = &visitors[i % 2];
        let form = upload_form(&file, "image/png", &[]);
        let stack = &stack;
        async move { upload(stack, Some(token), form).await }
    });
    let replies = futures_util::future::join_all(uploads).await;
    let stored = stack.sandbox.state.media_files().len();
    assert_eq!(
        stored, BUDGET,
        "exactly the budget reached the Media Manager"
    );
    let ok = replies.iter().filter(|r| r.status == 200).count();
    assert_eq!(ok, BUDGET);
    for refused in replies.iter().filter(|r| r.status != 200) {
        let problem = refused.problem(429);
        assert_eq!(
            problem["type"],
            "urn:wix-elevate:problem:budget-site-uploads-per-hour"
        );
        let wait: u64 = refused.retry_after.as_deref().unwrap().parse().unwrap();
        assert!((1..=3600).contains(&wait), "{wait}");
    }
    // More uploads, a pair at a time, until a second process has answered; the shared budget refuses each.
    let (stack, file, visitors) = (&stack, &file, &visitors);
    stack
        .until_two_instances_served(FUNCTION, || async move {
            let (a, b) = tokio::join!(
                upload(
                    stack,
                    Some(&visitors[0]),
                    upload_form(file, "image/png", &[])
                ),
                upload(
                    stack,
                    Some(&visitors[1]),
                    upload_form(file, "image/png", &[])
                ),
            );
            for refused in [a, b] {
                let problem = refused.problem(429);
                assert_eq!(
                    problem["type"],
                    "urn:wix-elevate:problem:budget-site-uploads-per-hour"
                );
            }
        })
        .await;
    assert_eq!(stack.sandbox.state.media_files().len(), BUDGET);
}

#[tokio::test]
async fn a_title_that_displays_other_than_it_reads_is_refused_and_nothing_is_stored() {
    let stack = Stack::start().await;
    let visitor = stack.visitor_token().await;
    for (field, spoof) in [
        ("title", "photo\u{202E}gpj.exe"),
        ("uploaderName", "Ru\u{200B}i"),
    ] {
        let (content_type, body) = multipart_form(&[
            ("file", Some(("photo.png", "image/png")), &png(64)),
            (field, None, spoof.as_bytes()),
            (
                if field == "title" {
                    "uploaderName"
                } else {
                    "title"
                },
                None,
                b"Rui",
            ),
        ]);
        let reply = upload(&stack, Some(&visitor), (content_type, body)).await;
        let problem = reply.problem(400);
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("invisible or direction-changing"),
            "{problem}"
        );
    }
    assert_nothing_stored(&stack);
}
