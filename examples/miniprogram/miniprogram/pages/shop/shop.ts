import { auth } from '../../utils/auth';
import { describeAnswer, describeError, type Message } from '../../utils/messages';

interface Product {
  id: string;
  name: string;
  priceFen: number;
}

/** Shop: GET /products, a protected route (the SDK attaches the session, logging in first when needed). */
Component({
  data: {
    loading: true,
    products: [] as { id: string; name: string; price: string }[],
    error: null as Message | null,
  },

  lifetimes: {
    attached() {
      void this.loadProducts();
    },
  },

  methods: {
    async loadProducts() {
      this.setData({ loading: true, error: null });
      try {
        const { statusCode, data, header } = await auth.request<Product[]>({ url: '/products' });
        const error = describeAnswer(statusCode, header);
        const products = error
          ? []
          : data.map((p) => ({ id: p.id, name: p.name, price: (p.priceFen / 100).toFixed(2) }));
        this.setData({ loading: false, products, error: error ?? null });
      } catch (error) {
        this.setData({ loading: false, products: [], error: describeError(error) });
      }
    },

    onReload() {
      void this.loadProducts();
    },
  },
});
