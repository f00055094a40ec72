import { lazy, Suspense, type ReactElement } from 'react';
import { Route } from 'react-router-dom';
import { RequireAuth } from '../../components/RequireAuth.tsx';
import { Loading } from '../../components/Status.tsx';

const auth = (el: ReactElement) => <RequireAuth>{el}</RequireAuth>;
// Each screen is its own chunk, downloaded when it is first opened (App's Suspense shows the loading line).
const CartPage = lazy(() => import('./BuyerPages.tsx').then((m) => ({ default: m.CartPage })));
const MyCouponsPage = lazy(() => import('./BuyerPages.tsx').then((m) => ({ default: m.MyCouponsPage })));
const StorePage = lazy(() => import('./BuyerPages.tsx').then((m) => ({ default: m.StorePage })));
const CheckoutPage = lazy(() => import('./CheckoutPage.tsx').then((m) => ({ default: m.CheckoutPage })));
const BuyerOrdersPage = lazy(() => import('./OrdersPages.tsx').then((m) => ({ default: m.BuyerOrdersPage })));
const OrderDetailPage = lazy(() => import('./OrdersPages.tsx').then((m) => ({ default: m.OrderDetailPage })));
const SellerOrdersPage = lazy(() => import('./OrdersPages.tsx').then((m) => ({ default: m.SellerOrdersPage })));
const ProductPage = lazy(() => import('./ProductPage.tsx').then((m) => ({ default: m.ProductPage })));
const EditProductPage = lazy(() => import('./seller/Products.tsx').then((m) => ({ default: m.EditProductPage })));
const NewProductPage = lazy(() => import('./seller/Products.tsx').then((m) => ({ default: m.NewProductPage })));
const SellerProductsPage = lazy(() => import('./seller/Products.tsx').then((m) => ({ default: m.SellerProductsPage })));
const SellerCouponsPage = lazy(() => import('./seller/Promotions.tsx').then((m) => ({ default: m.SellerCouponsPage })));
const SellerFlashSalesPage = lazy(() => import('./seller/Promotions.tsx').then((m) => ({ default: m.SellerFlashSalesPage })));
const SellerHome = lazy(() => import('./seller/SellerHome.tsx').then((m) => ({ default: m.SellerHome })));
// The dashboard brings the chart library; only sellers who open it download it.
const InsightsPage = lazy(() => import('./seller/Insights.tsx').then((m) => ({ default: m.InsightsPage })));

/** The shop screens' routes, mounted by App inside <Routes>. */
export const shopRoutes: ReactElement[] = [
  <Route key="shop-product" path="/p/:id" element={<ProductPage />} />,
  <Route key="shop-store" path="/shop/store/:handle" element={<StorePage />} />,
  <Route key="shop-cart" path="/shop/cart" element={auth(<CartPage />)} />,
  <Route key="shop-checkout" path="/shop/checkout" element={auth(<CheckoutPage />)} />,
  <Route key="shop-orders" path="/shop/orders" element={auth(<BuyerOrdersPage />)} />,
  <Route key="shop-order" path="/shop/orders/:id" element={auth(<OrderDetailPage />)} />,
  <Route key="shop-coupons" path="/shop/coupons" element={auth(<MyCouponsPage />)} />,
  <Route key="shop-seller" path="/shop/seller" element={auth(<SellerHome />)} />,
  <Route key="shop-seller-products" path="/shop/seller/products" element={auth(<SellerProductsPage />)} />,
  <Route key="shop-seller-new" path="/shop/seller/products/new" element={auth(<NewProductPage />)} />,
  <Route key="shop-seller-product" path="/shop/seller/products/:id" element={auth(<EditProductPage />)} />,
  <Route key="shop-seller-orders" path="/shop/seller/orders" element={auth(<SellerOrdersPage />)} />,
  <Route key="shop-seller-coupons" path="/shop/seller/coupons" element={auth(<SellerCouponsPage />)} />,
  <Route key="shop-seller-flash" path="/shop/seller/flash-sales" element={auth(<SellerFlashSalesPage />)} />,
  <Route
    key="shop-seller-insights"
    path="/shop/seller/insights"
    element={auth(
      <Suspense fallback={<Loading testId="insights-loading" />}>
        <InsightsPage />
      </Suspense>,
    )}
  />,
];
