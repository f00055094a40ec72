import { Fragment } from 'react';
import { Link } from 'react-router-dom';
import { parseRichText, tagPath } from '../lib/rich-text.ts';

/**
 * A caption or a comment with its #hashtags linked to the tag's page and its @mentions to the
 * person's card. The text is never read as markup.
 */
export function RichText({ text, linkClassName }: { text: string; linkClassName?: string }) {
  return (
    <>
      {parseRichText(text).map((p, i) =>
        p.kind === 'text' ? (
          <Fragment key={i}>{p.text}</Fragment>
        ) : p.kind === 'hashtag' ? (
          <Link key={i} to={tagPath(p.tag)} className={linkClassName} data-testid="hashtag-link" data-tag={p.tag}>
            {p.text}
          </Link>
        ) : (
          <Link key={i} to={`/u/${p.handle}`} className={linkClassName} data-testid="mention-link" data-handle={p.handle}>
            {p.text}
          </Link>
        ),
      )}
    </>
  );
}
