/** The app's entry: creates the Vue app with its stores and mounts it. */
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { loadDatasetManifest } from './stores/datasetAssets';
import './styles/base.css';

createApp(App).use(createPinia()).mount('#app');

// which dataset files this install has (the Dataset node offers the others as unavailable)
void loadDatasetManifest();

// Offline: once loaded, the app and its dataset work without a network.
if ('serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { type: 'module', scope: '/' }).catch((e: unknown) => {
      console.warn('offline support is unavailable:', e instanceof Error ? e.message : String(e));
    });
  });
}
