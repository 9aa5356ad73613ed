/** The console's entry point: reads config.json for the API's base URL, then renders the app into #app. */

import { render } from 'preact';
import { loadConsoleConfig } from './api';
import { App } from './app';
import './styles.css';
import './workflow.css';

const config = await loadConsoleConfig();
render(<App apiBaseUrl={config.apiBaseUrl} />, document.getElementById('app')!);
