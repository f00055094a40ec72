import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClientProvider } from '@tanstack/react-query';
import { App } from './App.tsx';
import { dropLandingVideo } from './components/video/landingVideo.ts';
import { detectLang, loadStrings } from './lib/i18n.tsx';
import { createQueryClient } from './lib/queries.ts';
import { prefetchFirstScreen } from './routes/first-screen.ts';
import './styles.css';

/** How long after the first render the landing page's video may wait for a slide to take it. */
const LANDING_VIDEO_CLAIM_MS = 5000;

const queryClient = createQueryClient();
prefetchFirstScreen(queryClient, location.pathname);
const root = document.getElementById('root');
if (!root) throw new Error('index.html lost its #root element');
// The first render waits for the page's language (early.ts asked for its chunk with this script).
void loadStrings(detectLang())
  .catch((error: unknown) => console.error('could not load the strings', error))
  .finally(() => {
    createRoot(root).render(
      <StrictMode>
        <QueryClientProvider client={queryClient}>
          <App />
        </QueryClientProvider>
      </StrictMode>,
    );
    // The first slide takes the landing page's video as it renders (its answers came with the
    // page); one that is still unclaimed by then belongs to a screen that did not show it (an error).
    setTimeout(dropLandingVideo, LANDING_VIDEO_CLAIM_MS);
  });
