//! The function-URL request context (payload format 2.0), read in one place.

use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext;
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};

/// The request context Lambda attached to a function-URL event; `None` for anything else.
pub(crate) fn function_url_context(request: &Request) -> Option<&ApiGatewayV2httpRequestContext> {
    match request.request_context_ref()? {
        RequestContext::ApiGatewayV2(context) => Some(context),
        // Only `apigw_http` is enabled today; another event source would have no function-URL context.
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

/// The caller's address as Lambda saw it.
pub(crate) fn source_ip(request: &Request) -> Option<&str> {
    function_url_context(request)?.http.source_ip.as_deref()
}
