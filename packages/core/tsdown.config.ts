import { defineConfig } from 'tsdown';
import { packageConfig } from '../../scripts/tsdown-package';

export default defineConfig(packageConfig(import.meta.dirname));
