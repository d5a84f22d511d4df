//! [`Pager`]: a `Stream` over every item of a paginated `list` call.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::{FusedStream, Stream};
use gemini_transport::BoxFuture;

use crate::Error;

type Page<T> = Result<(Vec<T>, Option<String>), Error>;

/// A page of a `list` call: its items and the token of the next page.
pub(crate) trait ListPage {
    /// What the list holds.
    type Item;
    /// The items and the next page's token (absent or empty on the last page).
    fn into_page(self) -> (Vec<Self::Item>, Option<String>);
}

/// Implements [`ListPage`] for list responses with one items field and `next_page_token`.
macro_rules! list_page {
    ($($page:ty => $field:ident: $item:ty),* $(,)?) => {$(
        impl ListPage for $page {
            type Item = $item;
            fn into_page(self) -> (Vec<$item>, Option<String>) {
                (self.$field, self.next_page_token)
            }
        }
    )*};
}

list_page! {
    gemini_types::ListModelsResponse => models: gemini_types::Model,
    gemini_types::ListTunedModelsResponse => tuned_models: gemini_types::TunedModel,
    gemini_types::ListOperationsResponse => operations: gemini_types::Operation,
    gemini_types::ListFilesResponse => files: gemini_types::File,
    gemini_types::ListCachedContentsResponse => cached_contents: gemini_types::CachedContent,
    gemini_types::ListOperationsResponse<gemini_types::GenerateContentBatch, gemini_types::GenerateContentBatchOutput> => operations: gemini_types::BatchOperation,
    gemini_types::ListFileSearchStoresResponse => file_search_stores: gemini_types::FileSearchStore,
    gemini_types::ListDocumentsResponse => documents: gemini_types::Document,
}
type Fetch<T> =
    Arc<dyn Fn(Option<u32>, Option<String>) -> BoxFuture<'static, Page<T>> + Send + Sync>;

/// The most pages one `Pager` fetches: a server that keeps returning a page token can not keep
/// a loop running forever.
const MAX_PAGES: u32 = 10_000;

/// Every item of a paginated list, fetching the next page only when the current one is used
/// up (`pageToken` / `nextPageToken`, until the token is absent or empty).
///
/// A `futures_core::Stream` of `Result<T, Error>`; after an error the stream ends. It can be
/// stored in a struct (it is `Send + Unpin`).
///
/// ```no_run
/// # #[tokio::main] async fn main() -> Result<(), gemini::Error> {
/// use futures_util::StreamExt;
/// let client = gemini::Client::from_env()?;
/// let mut models = client.models().list().with_page_size(50);
/// while let Some(model) = models.next().await {
///     println!("{}", model?.name.unwrap_or_default());
/// }
/// # Ok(()) }
/// ```
pub struct Pager<T> {
    fetch: Fetch<T>,
    page_size: Option<u32>,
    items: VecDeque<T>,
    next: Next<T>,
    pages: u32,
}

enum Next<T> {
    /// Fetch the page at this token (`None`: the first page).
    Page(Option<String>),
    Fetching(BoxFuture<'static, Page<T>>),
    Done,
}

impl<T> fmt::Debug for Pager<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pager")
            .field("page_size", &self.page_size)
            .field("buffered", &self.items.len())
            .field("pages", &self.pages)
            .finish_non_exhaustive()
    }
}

impl<T> Pager<T> {
    pub(crate) fn new(
        fetch: impl Fn(Option<u32>, Option<String>) -> BoxFuture<'static, Page<T>>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        Self {
            fetch: Arc::new(fetch),
            page_size: None,
            items: VecDeque::new(),
            next: Next::Page(None),
            pages: 0,
        }
    }

    /// Asks for pages of at most `size` items (the server may cap it).
    #[must_use]
    pub fn with_page_size(mut self, size: u32) -> Self {
        self.page_size = Some(size);
        self
    }

    /// Starts at this page token instead of the first page.
    #[must_use]
    pub fn with_page_token(mut self, token: impl Into<String>) -> Self {
        if let Next::Page(_) = self.next {
            self.next = Next::Page(Some(token.into()));
        }
        self
    }

    /// How many pages were fetched so far.
    pub fn pages_fetched(&self) -> u32 {
        self.pages
    }
}

impl<T: Unpin> Stream for Pager<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.items.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match &mut this.next {
                Next::Done => return Poll::Ready(None),
                Next::Page(token) => {
                    if this.pages >= MAX_PAGES {
                        this.next = Next::Done;
                        continue;
                    }
                    let fut = (this.fetch)(this.page_size, token.take());
                    this.next = Next::Fetching(fut);
                }
                Next::Fetching(fut) => match fut.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Err(e)) => {
                        this.next = Next::Done;
                        return Poll::Ready(Some(Err(e)));
                    }
                    Poll::Ready(Ok((items, token))) => {
                        this.pages += 1;
                        this.items.extend(items);
                        this.next = match token.filter(|t| !t.is_empty()) {
                            Some(t) => Next::Page(Some(t)),
                            None => Next::Done,
                        };
                    }
                },
            }
        }
    }
}

impl<T: Unpin> FusedStream for Pager<T> {
    fn is_terminated(&self) -> bool {
        matches!(self.next, Next::Done) && self.items.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::TryStreamExt;

    #[test]
    fn walks_every_page_and_stops_at_an_empty_token() {
        let pager: Pager<u32> = Pager::new(|size, token| {
            Box::pin(async move {
                assert_eq!(size, Some(2));
                Ok(match token.as_deref() {
                    None => (vec![1, 2], Some("p2".to_owned())),
                    Some("p2") => (vec![3, 4], Some("p3".to_owned())),
                    Some("p3") => (vec![5], Some(String::new())),
                    Some(other) => panic!("unexpected token {other}"),
                })
            })
        })
        .with_page_size(2);
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let all: Vec<u32> = rt.block_on(pager.try_collect()).unwrap();
        assert_eq!(all, [1, 2, 3, 4, 5]);
    }

    #[test]
    fn an_error_ends_the_stream() {
        let mut pager: Pager<u32> = Pager::new(|_, token| {
            Box::pin(async move {
                match token {
                    None => Ok((vec![1], Some("x".to_owned()))),
                    Some(_) => Err(Error::build("boom")),
                }
            })
        });
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            use futures_util::StreamExt;
            assert_eq!(pager.next().await.unwrap().unwrap(), 1);
            assert!(pager.next().await.unwrap().is_err());
            assert!(pager.next().await.is_none());
        });
    }
}
