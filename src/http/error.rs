//! Errors of the server as HTTP answers: a status and the JSON body `{"error", "hint"?,
//! "line"?, "field"?}` (DESIGN section 11), with the hints of the HTTP layer.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use logbook::app::AppError;
use logbook::app::wire::ErrorBody;
use logbook::event::Problem;
use logbook::store::{AppendError, StoreError};

/// A refused or failed request.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

impl ApiError {
    pub fn new(status: StatusCode, error: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: ErrorBody::new(error),
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> ApiError {
        self.body = self.body.hint(hint);
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> ApiError {
        self.body.field = Some(field.into());
        self
    }

    /// 401, the same body for a missing token and an unknown one.
    pub fn unauthorized() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "missing or unknown token")
            .hint("send `Authorization: Bearer TOKEN`; `logbook token new` makes one")
    }

    pub fn not_found(what: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, what)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        store_error(&e)
    }
}

/// A store error as an answer.
pub fn store_error(e: &StoreError) -> ApiError {
    {
        match e {
            StoreError::Busy { .. } => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "ledger busy: another process holds it",
            )
            .hint("nothing was written; retry after the time Retry-After gives"),
            StoreError::NoSpace { .. } | StoreError::TooLittleSpace { .. } => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "the server's disk is too full to append",
            )
            .hint("nothing was written"),
            other => {
                // The details name paths on the server: they go to its log, not to clients.
                eprintln!("error: {other}");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the ledger is unavailable",
                )
                .hint("the server's log says why")
            }
        }
    }
}

impl From<AppendError> for ApiError {
    fn from(e: AppendError) -> Self {
        match e {
            AppendError::Rejected { line, error } => {
                let status = match error.problem {
                    Some(Problem::IdReused | Problem::StaleRevision) => StatusCode::CONFLICT,
                    _ => StatusCode::BAD_REQUEST,
                };
                let mut err = ApiError::new(status, error.message)
                    .hint("nothing was written: a request is all or nothing");
                err.body.line = Some(line);
                if error.field != "-" {
                    err.body.field = Some(error.field);
                }
                err
            }
            AppendError::NotEmpty { .. } => {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
            }
            AppendError::Store(e) => e.into(),
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let message = e.to_string();
        match e {
            AppError::NoIncident { near, .. } => {
                let err = ApiError::not_found(message);
                match near {
                    Some(near) => err.hint(format!("did you mean {near}?")),
                    None => err.hint("GET /v1/incidents lists them"),
                }
            }
            AppError::NoService { .. } => ApiError::not_found(message),
            AppError::BadValue { param, .. } => {
                ApiError::new(StatusCode::BAD_REQUEST, format!("{param}: {message}")).field(param)
            }
            AppError::PartialWeight { .. } => ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("partial_weight: {message}"),
            )
            .field("partial_weight"),
            AppError::EmptyPeriod { .. } => ApiError::new(StatusCode::BAD_REQUEST, message),
            AppError::Store(e) => e.into(),
        }
    }
}

/// A JSON answer with `status`.
pub fn json(status: StatusCode, body: &impl serde::Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(mut bytes) => {
            bytes.push(b'\n');
            let mut response = (status, bytes).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = json(self.status, &self.body);
        let headers = response.headers_mut();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
