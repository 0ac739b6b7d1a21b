//! Baseline for `bench/measure`: the smallest useful `lambda_http` function.
//!
//! It answers every function-URL event with `200 hello`, so its binary size, cold start, warm latency
//! and memory are what any Rust Lambda pays before doing real work. The elevated functions are measured
//! against it.

use lambda_http::{Body, Error, Request, Response, run, service_fn};

async fn hello(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::builder()
        .status(200)
        .header("content-type", "text/plain")
        .body(Body::from("hello"))?)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    run(service_fn(hello)).await
}
