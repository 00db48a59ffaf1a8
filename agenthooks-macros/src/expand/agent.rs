//! `#[agent]`: expands the `#[hookpoint]` methods of an impl block and puts
//! their context structs beside it.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::{Attribute, ImplItem, ItemImpl};

use super::point::{expand, strip_redact};
use super::with_errors;
use crate::ast::{combine, PointFn};
use crate::attr::PointArgs;

pub(crate) fn agent(args: &TokenStream, input: TokenStream) -> TokenStream {
    let mut item: ItemImpl = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(error) => {
            let error = syn::Error::new(
                error.span(),
                "`#[agent]` goes on an `impl` block whose methods carry `#[hookpoint(...)]`",
            );
            return with_errors(input, &error);
        }
    };
    let mut errors = None;
    if !args.is_empty() {
        combine(&mut errors, syn::Error::new_spanned(args, "`#[agent]` takes no arguments"));
    }
    let mut generated = TokenStream::new();
    let mut found = false;
    for impl_item in &mut item.items {
        let ImplItem::Fn(method) = impl_item else { continue };
        let Some(position) = method.attrs.iter().position(is_hookpoint) else { continue };
        found = true;
        let attr = method.attrs.remove(position);
        let parsed = attr.parse_args::<PointArgs>().and_then(|args| {
            let point = PointFn::new(
                method.attrs.clone(),
                method.vis.clone(),
                method.sig.clone(),
                Box::new(method.block.clone()),
                true,
            )?;
            Ok((args, point))
        });
        match parsed {
            Ok((args, point)) => {
                let (function, items) = expand(&args, &point);
                *impl_item = ImplItem::Verbatim(function);
                generated.extend(items);
            }
            Err(error) => {
                strip_redact(&mut method.sig);
                combine(&mut errors, error);
            }
        }
    }
    if !found {
        combine(
            &mut errors,
            syn::Error::new_spanned(
                &item.self_ty,
                "`#[agent]` found no method marked `#[hookpoint(Name)]` in this impl block",
            ),
        );
    }
    let errors = errors.map(|error| error.to_compile_error());
    let mut tokens = item.into_token_stream();
    tokens.extend(quote!(#generated #errors));
    tokens
}

/// Whether `attr` is `#[hookpoint(...)]`, by any path.
fn is_hookpoint(attr: &Attribute) -> bool {
    attr.path().segments.last().is_some_and(|segment| segment.ident == "hookpoint")
}
