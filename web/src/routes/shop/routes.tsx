import { lazy, Suspense, type ReactElement } from 'react';
import { Route } from 'react-router-dom';
import { RequireAuth } from '../../components/RequireAuth.tsx';
import { Loading } from '../../components/Status.tsx';
import { CartPage, MyCouponsPage, StorePage } from './BuyerPages.tsx';
import { CheckoutPage } from './CheckoutPage.tsx';
import { BuyerOrdersPage, OrderDetailPage, SellerOrdersPage } from './OrdersPages.tsx';
import { ProductPage } from './ProductPage.tsx';
import { EditProductPage, NewProductPage, SellerProductsPage } from './seller/Products.tsx';
import { SellerCouponsPage, SellerFlashSalesPage } from './seller/Promotions.tsx';
import { SellerHome } from './seller/SellerHome.tsx';

const auth = (el: ReactElement) => <RequireAuth>{el}</RequireAuth>;
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
