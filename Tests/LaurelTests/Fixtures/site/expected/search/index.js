LaurelSearch.m({"shards":1,"chunk":64,"docs":15,"kinds":["person","team","rule","reward","training","case","news","page"]});
