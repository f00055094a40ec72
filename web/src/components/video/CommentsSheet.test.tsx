import * as api from '@tremolo/protocol/api';
import { screen, within } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import { useApiQuery } from '../../lib/queries.ts';
import { comment, me, person, session, uuid, video } from '../../test/fixtures.ts';
import { refuse } from '../../test/server.ts';
import { fakeServer, renderScreen } from '../../test/render.tsx';
import { CommentsSheet } from './CommentsSheet.tsx';

const clip = video(10, { comments: 1 });

/** The sheet as a video page shows it: over the cached video, whose count the sheet keeps current. */
function SheetOverCachedVideo() {
  const v = useApiQuery(api.videos.get, { params: { id: clip.id } });
  return v.data ? <CommentsSheet video={v.data} onClose={() => undefined} /> : null;
}

describe('comments sheet', () => {
  test('a comment I post appears at the top of the list and the count goes up', async () => {
    const server = fakeServer()
      .on(api.accounts.session, () => session(me()))
      .on(api.videos.get, () => clip)
      .on(api.videos.comments, () => ({ items: [comment(20, clip.id, 'Love this shade')], nextCursor: null }))
      .on(api.videos.comment, ({ params, body }) =>
        comment(21, params.id ?? '', body.text, { author: person(1, 'mia_fan', 'Mia'), parentId: body.parentId ?? null }),
      );
    const { user } = renderScreen(<SheetOverCachedVideo />);

    expect(await screen.findByText('Love this shade')).toBeInTheDocument();
    expect(screen.getByTestId('comments-count')).toHaveTextContent(/^1 comment$/);
    await user.type(screen.getByRole('textbox', { name: 'Add a comment…' }), '  Ordered one!  ');
    await user.click(screen.getByRole('button', { name: 'Send' }));

    const items = await screen.findAllByTestId('comment');
    expect(items.map((li) => within(li).getByTestId('comment-text').textContent)).toEqual(['Ordered one!', 'Love this shade']);
    expect(within(items[0]!).getByText('Mia')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Add a comment…' })).toHaveValue('');
    expect(screen.getByTestId('comments-count')).toHaveTextContent(/^2 comments$/);
    expect(server.callsTo(api.videos.comment).map((c) => c.body)).toEqual([{ text: 'Ordered one!' }]);
  });

  test('a refused comment says why and keeps the text to send again', async () => {
    fakeServer()
      .on(api.accounts.session, () => session(me()))
      .on(api.videos.get, () => clip)
      .on(api.videos.comments, () => ({ items: [], nextCursor: null }))
      .on(api.videos.comment, () => refuse(429, 'rate_limited', 'Too many comments; try again in 42 s'));
    const { user } = renderScreen(<SheetOverCachedVideo />);

    expect(await screen.findByText('No comments yet. Say something nice.')).toBeInTheDocument();
    await user.type(screen.getByRole('textbox', { name: 'Add a comment…' }), 'Hello');
    await user.click(screen.getByRole('button', { name: 'Send' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Too many comments; try again in 42 s');
    expect(screen.getByRole('textbox', { name: 'Add a comment…' })).toHaveValue('Hello');
    expect(screen.queryAllByTestId('comment')).toHaveLength(0);
    expect(screen.getByTestId('comments-count')).toHaveTextContent(/^1 comment$/);
  });

  test('a reply goes under the comment it answers', async () => {
    const server = fakeServer()
      .on(api.accounts.session, () => session(me()))
      .on(api.videos.comments, () => ({ items: [comment(20, clip.id, 'Which shade is this?')], nextCursor: null }))
      .on(api.videos.comment, ({ body }) =>
        comment(22, clip.id, body.text, { author: person(1, 'mia_fan', 'Mia'), parentId: body.parentId ?? null }),
      );
    const { user } = renderScreen(<CommentsSheet video={clip} onClose={() => undefined} />);

    const first = await screen.findByTestId('comment');
    await user.click(within(first).getByRole('button', { name: 'Reply' }));
    await user.type(screen.getByPlaceholderText('Reply to Leo…'), 'Rose 03');
    await user.click(screen.getByRole('button', { name: 'Send' }));

    expect(await within(first).findByTestId('reply')).toHaveTextContent('Rose 03');
    expect(screen.getAllByTestId('comment')).toHaveLength(1);
    expect(server.callsTo(api.videos.comment).map((c) => c.body)).toEqual([{ text: 'Rose 03', parentId: uuid(20) }]);
  });
});
