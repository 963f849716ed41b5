// First: zod must be jitless before any schema module is evaluated (see strict-zod.ts).
import './strict-zod';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createSession } from './session';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
// One session for the page's life, outside React (StrictMode's double effects never build a second one).
const session = createSession();
void session.start();
createRoot(root).render(
  <StrictMode>
    <App session={session} />
  </StrictMode>,
);
