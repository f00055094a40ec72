import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClientProvider } from '@tanstack/react-query';
import { App } from './App.tsx';
import { detectLang, loadStrings } from './lib/i18n.tsx';
import { createQueryClient } from './lib/queries.ts';
import { prefetchFirstScreen } from './routes/first-screen.ts';
import './styles.css';

const queryClient = createQueryClient();
prefetchFirstScreen(queryClient, location.pathname);
const root = document.getElementById('root');
if (!root) throw new Error('index.html lost its #root element');
// The first render waits for the page's language (early.ts asked for its chunk with this script).
void loadStrings(detectLang())
  .catch((error: unknown) => console.error('could not load the strings', error))
  .finally(() =>
    createRoot(root).render(
      <StrictMode>
        <QueryClientProvider client={queryClient}>
          <App />
        </QueryClientProvider>
      </StrictMode>,
    ),
  );
