import * as api from '@tremolo/protocol/api';
import { screen, within } from '@testing-library/react';
import { describe, expect, test, vi } from 'vitest';
import { coupon, couponDropEvent, me, person, session, uuid } from '../../test/fixtures.ts';
import { refuse } from '../../test/server.ts';
import { fakeServer, renderScreen } from '../../test/render.tsx';
import { DropCouponSheet } from './CouponDrop.tsx';

const lina = person(50, 'lina_beauty', 'Lina');
const groupId = uuid(60);

describe('drop a coupon into a group', () => {
  test('the owner sees their live coupons with what is left, drops one, and the sheet closes', async () => {
    const server = fakeServer()
      .on(api.accounts.session, () => session(me({ id: lina.id, handle: lina.handle, displayName: lina.displayName })))
      .on(api.shop.sellerCoupons, () => ({
        items: [
          coupon(40, '¥10 off', { claimed: 30 }),
          coupon(41, 'Spring 20%', { discount: { kind: 'percent', percentOff: 20 } }),
          coupon(42, 'Gone already', { claimed: 100 }),
          coupon(43, 'Stopped', { status: 'stopped' }),
        ],
        nextCursor: null,
      }))
      .on(api.groups.dropCoupon, ({ params, body }) => couponDropEvent(params.id ?? '', lina.id, body.couponId, 'Spring 20%', 100));
    const onDropped = vi.fn();
    const onClose = vi.fn();
    const { user } = renderScreen(
      <DropCouponSheet groupId={groupId} ownerHandle={lina.handle} isOwner onClose={onClose} onDropped={onDropped} />,
    );

    const options = await screen.findAllByTestId('coupon-option');
    expect(options).toHaveLength(2);
    expect(options[0]).toHaveTextContent(/^¥10 off.*¥10\.00 off · 70 left/);
    expect(options[1]).toHaveTextContent(/^Spring 20%20% off · 100 left/);
    await user.click(within(options[1]!).getByRole('button', { name: 'Drop' }));

    await vi.waitFor(() => expect(onClose).toHaveBeenCalledOnce());
    expect(onDropped).toHaveBeenCalledOnce();
    expect(server.callsTo(api.groups.dropCoupon).map((c) => [c.path, c.body])).toEqual([
      [`/api/v1/groups/${groupId}/coupon-drops`, { couponId: uuid(41) }],
    ]);
  });

  test('a refused drop is explained and the sheet stays open to try another', async () => {
    const server = fakeServer()
      .on(api.accounts.session, () => session(me()))
      .on(api.shop.shopCoupons, ({ params }) => ({ items: params.handle === lina.handle ? [coupon(40, '¥10 off')] : [] }))
      .on(api.groups.dropCoupon, () => refuse(403, 'forbidden', 'Only the group’s admins can drop coupons'));
    const onClose = vi.fn();
    const { user } = renderScreen(
      <DropCouponSheet groupId={groupId} ownerHandle={lina.handle} isOwner={false} onClose={onClose} onDropped={() => undefined} />,
    );

    await user.click(await screen.findByRole('button', { name: 'Drop' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Only the group’s admins can drop coupons');
    expect(screen.getByRole('button', { name: 'Drop' })).toBeEnabled();
    expect(onClose).not.toHaveBeenCalled();
    expect(server.callsTo(api.groups.dropCoupon).map((c) => c.body)).toEqual([{ couponId: uuid(40) }]);
  });

  test('with no live coupon the owner is told to create one first', async () => {
    fakeServer()
      .on(api.accounts.session, () => session(me()))
      .on(api.shop.sellerCoupons, () => ({ items: [coupon(42, 'Gone already', { claimed: 100 })], nextCursor: null }));
    renderScreen(<DropCouponSheet groupId={groupId} ownerHandle="mia_fan" isOwner onClose={() => undefined} onDropped={() => undefined} />);

    expect(await screen.findByText('No live coupons. Create one in your shop first.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Drop' })).not.toBeInTheDocument();
  });
});
